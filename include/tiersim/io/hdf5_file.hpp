// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

/// A small RAII layer over the HDF5 C API: files, groups, chunked column datasets and scalar
/// attributes, plus read helpers for tests and tools. HDF5 types stay out of this header
/// (identifiers are held as int64_t, HDF5 1.10's hid_t). Every failure throws IoError carrying
/// HDF5's own error stack. Objects are not thread-safe; use one thread per file at a time.
namespace tiersim::io {

/// Whether any HDF5 call of this process has failed. HDF5 1.10 cannot always clean up after a
/// failed write: its exit handler (H5_term_library) crashes closing a file whose flush failed,
/// on a full disk for instance; a process that saw a failure leaves without that handler.
bool hdf5_failed();

/// Owns one HDF5 identifier and closes it with the matching H5?close on destruction.
class Hdf5Handle {
public:
    Hdf5Handle() = default;

    explicit Hdf5Handle(std::int64_t id)
        : id_(id) {}

    ~Hdf5Handle();

    Hdf5Handle(Hdf5Handle&& other) noexcept
        : id_(other.release()) {}

    Hdf5Handle& operator=(Hdf5Handle&& other) noexcept;
    Hdf5Handle(const Hdf5Handle&) = delete;
    Hdf5Handle& operator=(const Hdf5Handle&) = delete;

    [[nodiscard]] std::int64_t get() const { return id_; }

    [[nodiscard]] bool valid() const { return id_ >= 0; }

    std::int64_t release() {
        const std::int64_t id = id_;
        id_ = -1;
        return id;
    }

    /// Closes now; throws IoError if HDF5 reports a failure (e.g. while flushing a file).
    void close();

private:
    std::int64_t id_ = -1;
};

/// Elements per chunk of every column dataset (rows, whatever the element type).
inline constexpr std::size_t column_chunk_rows = 65'536;

/// An HDF5 file opened for writing (created or truncated) or for reading.
/// Objects are created with time tracking off and fixed chunking, so the same calls give the
/// same dataset bytes on every run.
class Hdf5File {
public:
    /// Creates (truncating) `path`. @throws IoError naming the path
    static Hdf5File create(const std::filesystem::path& path);
    /// Opens an existing file read-only. @throws IoError naming the path
    static Hdf5File open_read(const std::filesystem::path& path);
    /// Opens an existing file for reading and writing (to add attributes). @throws IoError
    static Hdf5File open_write(const std::filesystem::path& path);

    Hdf5File() = default;

    [[nodiscard]] std::int64_t id() const { return handle_.get(); }

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    [[nodiscard]] bool is_open() const { return handle_.valid(); }

    /// Creates a group at an absolute path such as "/summary/by_tier" (parent must exist).
    void create_group(const std::string& path);

    /// Writes a whole 1-D chunked, shuffled and deflated column at once.
    template <class T>
    void write_column(const std::string& path, const std::vector<T>& values);
    /// Writes a 1-D column of UTF-8 variable-length strings.
    void write_string_column(const std::string& path, const std::vector<std::string>& values);

    /// Scalar attributes on the object at `object_path` ("/" for the root group).
    void set_attribute(const std::string& object_path, const std::string& name, std::int64_t v);
    void set_attribute(const std::string& object_path, const std::string& name, double v);
    /// A UTF-8 variable-length string attribute.
    void set_attribute(const std::string& object_path,
                       const std::string& name,
                       const std::string& v);

    /// Copies the object (group or dataset, with everything under it) at `source_path` of the
    /// file `source` to `dest_path` here (its parent must exist). @throws IoError
    void copy_from(const std::filesystem::path& source,
                   const std::string& source_path,
                   const std::string& dest_path);

    /// Shrinks (or grows) the 1-D chunked dataset at `path` to `rows`. @throws IoError
    void resize_column(const std::string& path, std::size_t rows);

    /// Writes everything HDF5 holds in memory for the file to it (H5Fflush), so that the file
    /// on disk is readable as it stands. @throws IoError
    void flush();

    /// Flushes and closes; throws IoError on failure. Handles still open on the file keep it
    /// alive until they close.
    void close();

private:
    Hdf5File(Hdf5Handle handle, std::filesystem::path path);
    Hdf5Handle handle_;
    std::filesystem::path path_;
};

/// One chunk of a column, shuffled and deflated outside HDF5 (see compress_chunk), so that
/// chunks of many columns can be compressed in parallel and written by one thread.
struct CompressedChunk {
    std::vector<unsigned char> bytes;  ///< the filtered chunk as stored (or raw values)
    std::size_t rows = 0;              ///< values it holds (the rest of the chunk is padding)
    bool filtered = false;             ///< false: raw values, filtered by HDF5 when appended
    std::vector<unsigned char> scratch;
};

/// Shuffles and deflates (level 4) n ≤ column_chunk_rows values, zero-padded to a full chunk,
/// exactly as the column datasets' filter pipeline declares. Thread-safe: makes no HDF5 call;
/// reuses `out`'s buffers, so steady state allocates nothing. Without zlib at build time
/// (TIERSIM_HAVE_ZLIB undefined) it only copies the values and HDF5 filters them on append.
/// @throws IoError
/// Whether compress_chunk compresses (the library was built with zlib).
bool parallel_compression_available();

template <class T>
void compress_chunk(const T* data, std::size_t n, CompressedChunk& out);

/// An appendable 1-D column dataset (chunked by column_chunk_rows, shuffle + deflate level 4).
/// T is one of int8_t, int16_t, int32_t, int64_t, double.
template <class T>
class Hdf5Column {
public:
    Hdf5Column() = default;
    /// Creates an empty column at `path` in `file`.
    Hdf5Column(Hdf5File& file, const std::string& path);

    /// Appends n values with one HDF5 write; chunk-aligned appends avoid rewriting chunks.
    void append(const T* data, std::size_t n);
    /// Appends a chunk made by compress_chunk with one direct chunk write (no filtering on
    /// this thread). The column must hold a whole number of chunks before the call.
    void append_compressed(const CompressedChunk& chunk);

    [[nodiscard]] std::size_t size() const { return size_; }

    [[nodiscard]] bool is_open() const { return dataset_.valid(); }

    void close() { dataset_.close(); }

private:
    Hdf5Handle dataset_;
    std::size_t size_ = 0;
    std::string path_;
};

/// Reads a whole 1-D numeric column (converted to T by HDF5). @throws IoError
template <class T>
std::vector<T> read_column(const std::filesystem::path& file, const std::string& dataset);
/// Reads a whole 1-D column of variable-length strings. @throws IoError
std::vector<std::string> read_string_column(const std::filesystem::path& file,
                                            const std::string& dataset);
/// Whether `path` ("/summary/by_street/unit") names a group or dataset of the file.
/// @throws IoError when the file cannot be opened
bool has_object(const std::filesystem::path& file, const std::string& path);
/// Number of rows of a 1-D dataset. @throws IoError
std::size_t column_size(const std::filesystem::path& file, const std::string& dataset);
/// Raw bytes of a dataset's values in its file type (for bit-identity checks). @throws IoError
std::vector<unsigned char> read_raw_column(const std::filesystem::path& file,
                                           const std::string& dataset);

/// Raw bytes of a scalar or 1-D attribute's value in its file type; a string attribute gives
/// its characters. @throws IoError
std::vector<unsigned char> read_raw_attribute(const std::filesystem::path& file,
                                              const std::string& object_path,
                                              const std::string& name);

std::string read_string_attribute(const std::filesystem::path& file,
                                  const std::string& object_path,
                                  const std::string& name);
double read_double_attribute(const std::filesystem::path& file,
                             const std::string& object_path,
                             const std::string& name);
std::int64_t read_int_attribute(const std::filesystem::path& file,
                                const std::string& object_path,
                                const std::string& name);
/// Names of the attributes on an object, sorted. @throws IoError
std::vector<std::string> list_attributes(const std::filesystem::path& file,
                                         const std::string& object_path);

/// Names (not paths) of the datasets directly in `group`, sorted. @throws IoError
std::vector<std::string> list_datasets(const std::filesystem::path& file, const std::string& group);
/// Names of the groups directly in `group`, sorted. @throws IoError
std::vector<std::string> list_groups(const std::filesystem::path& file, const std::string& group);

}  // namespace tiersim::io
