// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace tiersim::engine {

/// A pool of plain values addressed by slot, stored in fixed blocks of 2^BlockBits that never
/// move. It grows without copying what it holds: a std::vector that doubles holds the old and
/// the new buffer at once, and leaves the old one to the allocator, which at the end of a long
/// run is about a third of the memory of a pool of open tickets. A block is allocated, not
/// constructed, so only the pages of the slots in use become resident.
template <class T, unsigned BlockBits = 10>
class SlotPool {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                  "a slot is overwritten and dropped without constructors or destructors");

public:
    static constexpr std::size_t block_size = std::size_t{1} << BlockBits;

    SlotPool() = default;

    SlotPool(const SlotPool& other) {
        for (std::size_t slot = 0; slot < other.size_; ++slot)
            push_back(other[slot]);
    }

    SlotPool& operator=(const SlotPool& other) {
        if (this != &other) {
            SlotPool copy(other);
            *this = std::move(copy);
        }
        return *this;
    }

    SlotPool(SlotPool&& other) noexcept
        : blocks_(std::move(other.blocks_)),
          size_(std::exchange(other.size_, 0)) {}

    SlotPool& operator=(SlotPool&& other) noexcept {
        if (this != &other) {
            release_blocks();
            blocks_ = std::move(other.blocks_);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }

    ~SlotPool() { release_blocks(); }

    [[nodiscard]] std::size_t size() const { return size_; }

    T& operator[](std::size_t slot) { return blocks_[slot >> BlockBits][slot & (block_size - 1)]; }

    const T& operator[](std::size_t slot) const {
        return blocks_[slot >> BlockBits][slot & (block_size - 1)];
    }

    void push_back(const T& value) {
        if ((size_ >> BlockBits) == blocks_.size())
            blocks_.push_back(std::allocator<T>{}.allocate(block_size));
        T* at = &blocks_[size_ >> BlockBits][size_ & (block_size - 1)];
        std::construct_at(at, value);
        ++size_;
    }

    /// Reads the slots in order, 0 to size() - 1.
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T*;
        using reference = const T&;

        const_iterator() = default;

        const_iterator(const SlotPool* pool, std::size_t slot)
            : pool_(pool),
              slot_(slot) {}

        reference operator*() const { return (*pool_)[slot_]; }

        pointer operator->() const { return &(*pool_)[slot_]; }

        const_iterator& operator++() {
            ++slot_;
            return *this;
        }

        const_iterator operator++(int) {
            const_iterator before = *this;
            ++slot_;
            return before;
        }

        bool operator==(const const_iterator& other) const { return slot_ == other.slot_; }

    private:
        const SlotPool* pool_ = nullptr;
        std::size_t slot_ = 0;
    };

    [[nodiscard]] const_iterator begin() const { return {this, 0}; }

    [[nodiscard]] const_iterator end() const { return {this, size_}; }

private:
    void release_blocks() {
        for (T* block : blocks_)
            std::allocator<T>{}.deallocate(block, block_size);
        blocks_.clear();
        size_ = 0;
    }

    std::vector<T*> blocks_;
    std::size_t size_ = 0;
};

}  // namespace tiersim::engine
