// SPDX-License-Identifier: MIT
#include "tiersim/io/hdf5_file.hpp"

#include "tiersim/error.hpp"

#include <hdf5.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <type_traits>
#include <utility>
#if defined(TIERSIM_HAVE_ZLIB)
#include <zlib.h>
#endif

namespace tiersim::io {

static_assert(std::is_same_v<hid_t, std::int64_t>, "tiersim expects HDF5 1.10+ (64-bit hid_t)");
// Chunks compressed by compress_chunk bypass HDF5's type conversion: memory must already be
// in the file's (little-endian) byte order.
static_assert(std::endian::native == std::endian::little, "direct chunk writes need little-endian");

namespace {
constexpr int deflate_level = 1;
std::atomic<bool> write_failed{false};  // any HDF5 call failed (hdf5_failed)
}  // namespace

bool hdf5_failed() {
    return write_failed.load();
}

namespace {

/// HDF5 keeps its automatic error printing per thread in thread-safe builds: silence it once
/// on every thread that touches HDF5, so failures reach us only through the error stack.
void quiet_hdf5() {
    thread_local bool done = false;
    if (!done) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        done = true;
    }
}

herr_t collect_error(unsigned n, const H5E_error2_t* err, void* data) {
    auto* out = static_cast<std::string*>(data);
    if (n > 0) {
        *out += "; ";
    }
    *out += err->func_name != nullptr ? err->func_name : "?";
    *out += ": ";
    *out += err->desc != nullptr ? err->desc : "(no description)";
    return 0;
}

/// The current thread's HDF5 error stack as one line (innermost first), then cleared.
std::string hdf5_error_stack() {
    std::string message;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &message);
    H5Eclear2(H5E_DEFAULT);
    return message;
}

/// The operating system's reason in an error stack of the sec2 driver ("..., errno = 28, error
/// message = 'No space left on device', ..."), or empty.
std::string system_reason(const std::string& stack) {
    constexpr std::string_view marker = "error message = '";
    const auto at = stack.find(marker);
    if (at == std::string::npos)
        return {};
    const auto begin = at + marker.size();
    const auto end = stack.find('\'', begin);
    return end == std::string::npos ? std::string{} : stack.substr(begin, end - begin);
}

[[noreturn]] void fail(const std::string& what) {
    write_failed.store(true);
    const std::string stack = hdf5_error_stack();
    // A failure of the file system (a full disk, a lost mount) is said in its own words; the
    // HDF5 stack, a dozen lines of driver detail, adds nothing for the user then.
    if (const std::string reason = system_reason(stack); !reason.empty())
        throw IoError(what + ": " + reason);
    throw IoError(stack.empty() ? what : what + " (HDF5: " + stack + ")");
}

hid_t check_id(hid_t id, const std::string& what) {
    if (id < 0) {
        fail(what);
    }
    return id;
}

void check_status(herr_t status, const std::string& what) {
    if (status < 0) {
        fail(what);
    }
}

template <class T>
hid_t native_type() {
    if constexpr (std::is_same_v<T, std::int8_t>) {
        return H5T_NATIVE_INT8;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return H5T_NATIVE_INT16;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return H5T_NATIVE_INT32;
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        return H5T_NATIVE_INT64;
    } else {
        static_assert(std::is_same_v<T, double>, "unsupported column type");
        return H5T_NATIVE_DOUBLE;
    }
}

/// File type: little-endian standard types, so files do not depend on the writing machine.
template <class T>
hid_t file_type() {
    if constexpr (std::is_same_v<T, std::int8_t>) {
        return H5T_STD_I8LE;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return H5T_STD_I16LE;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return H5T_STD_I32LE;
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        return H5T_STD_I64LE;
    } else {
        static_assert(std::is_same_v<T, double>, "unsupported column type");
        return H5T_IEEE_F64LE;
    }
}

Hdf5Handle utf8_string_type() {
    Hdf5Handle type(check_id(H5Tcopy(H5T_C_S1), "H5Tcopy"));
    check_status(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size");
    check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
    return type;
}

/// Object creation properties shared by groups and datasets: no access/modification times,
/// which would make identical content differ between runs.
Hdf5Handle group_creation_plist() {
    Hdf5Handle gcpl(check_id(H5Pcreate(H5P_GROUP_CREATE), "H5Pcreate(group)"));
    check_status(H5Pset_obj_track_times(gcpl.get(), false), "H5Pset_obj_track_times");
    return gcpl;
}

/// Creates an empty, extensible, chunked (chunk_rows), shuffled and deflated 1-D dataset.
Hdf5Handle create_column_dataset(hid_t file,
                                 const std::string& path,
                                 hid_t type,
                                 std::size_t chunk_rows,
                                 std::size_t initial_rows) {
    const hsize_t dims[1] = {initial_rows};
    const hsize_t max_dims[1] = {H5S_UNLIMITED};
    const hsize_t chunk[1] = {std::max<hsize_t>(chunk_rows, 1)};
    Hdf5Handle space(check_id(H5Screate_simple(1, dims, max_dims), "H5Screate_simple"));
    Hdf5Handle dcpl(check_id(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate(dataset)"));
    check_status(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk");
    check_status(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle");
    check_status(H5Pset_deflate(dcpl.get(), deflate_level), "H5Pset_deflate");
    check_status(H5Pset_obj_track_times(dcpl.get(), false), "H5Pset_obj_track_times");
    return Hdf5Handle(check_id(
        H5Dcreate2(file, path.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        "cannot create dataset " + path));
}

Hdf5Handle open_object(hid_t file, const std::string& path) {
    return Hdf5Handle(check_id(H5Oopen(file, path.c_str(), H5P_DEFAULT), "cannot open " + path));
}

Hdf5Handle create_scalar_attribute(hid_t file,
                                   const std::string& object_path,
                                   const std::string& name,
                                   hid_t type) {
    Hdf5Handle object = open_object(file, object_path);
    if (H5Aexists(object.get(), name.c_str()) > 0) {
        check_status(H5Adelete(object.get(), name.c_str()), "H5Adelete " + name);
    }
    Hdf5Handle space(check_id(H5Screate(H5S_SCALAR), "H5Screate"));
    return Hdf5Handle(check_id(
        H5Acreate2(object.get(), name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
        "cannot create attribute " + object_path + "@" + name));
}

Hdf5Handle open_attribute(hid_t file, const std::string& object_path, const std::string& name) {
    Hdf5Handle object = open_object(file, object_path);
    return Hdf5Handle(check_id(H5Aopen(object.get(), name.c_str(), H5P_DEFAULT),
                               "no attribute " + object_path + "@" + name));
}

Hdf5Handle open_dataset(hid_t file, const std::string& path) {
    return Hdf5Handle(
        check_id(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "cannot open dataset " + path));
}

std::size_t dataset_rows(hid_t dataset, const std::string& path) {
    Hdf5Handle space(check_id(H5Dget_space(dataset), "H5Dget_space " + path));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank != 1) {
        throw IoError(path + " is not a 1-D dataset");
    }
    hsize_t dims[1] = {0};
    check_status(H5Sget_simple_extent_dims(space.get(), dims, nullptr), "extent of " + path);
    return static_cast<std::size_t>(dims[0]);
}

struct LinkScan {
    H5I_type_t kind = H5I_BADID;
    std::vector<std::string> names;
};

herr_t scan_link(hid_t group, const char* name, const H5L_info_t* /*info*/, void* data) {
    auto* scan = static_cast<LinkScan*>(data);
    const hid_t object = H5Oopen(group, name, H5P_DEFAULT);
    if (object < 0) {
        return -1;
    }
    if (H5Iget_type(object) == scan->kind) {
        scan->names.emplace_back(name);
    }
    H5Oclose(object);
    return 0;
}

std::vector<std::string> list_children(const std::filesystem::path& file,
                                       const std::string& group,
                                       H5I_type_t kind) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle g(check_id(H5Gopen2(f.id(), group.c_str(), H5P_DEFAULT), "no group " + group));
    LinkScan scan;
    scan.kind = kind;
    hsize_t index = 0;
    check_status(H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, &index, scan_link, &scan),
                 "cannot list " + group);
    std::sort(scan.names.begin(), scan.names.end());
    return std::move(scan.names);
}

template <class T>
T read_scalar_attribute(const std::filesystem::path& file,
                        const std::string& object_path,
                        const std::string& name) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle attr = open_attribute(f.id(), object_path, name);
    T value{};
    check_status(H5Aread(attr.get(), native_type<T>(), &value),
                 "cannot read " + object_path + "@" + name);
    return value;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Hdf5Handle

Hdf5Handle::~Hdf5Handle() {
    if (valid()) {
        quiet_hdf5();
        H5Idec_ref(id_);  // closes whatever kind of object it is; errors cannot escape here
    }
}

Hdf5Handle& Hdf5Handle::operator=(Hdf5Handle&& other) noexcept {
    if (this != &other) {
        Hdf5Handle old(id_);
        id_ = other.release();
    }
    return *this;
}

void Hdf5Handle::close() {
    if (!valid()) {
        return;
    }
    quiet_hdf5();
    const hid_t id = release();
    herr_t status = 0;
    switch (H5Iget_type(id)) {
        case H5I_FILE:
            status = H5Fclose(id);
            break;
        case H5I_GROUP:
            status = H5Gclose(id);
            break;
        case H5I_DATASET:
            status = H5Dclose(id);
            break;
        case H5I_ATTR:
            status = H5Aclose(id);
            break;
        case H5I_DATASPACE:
            status = H5Sclose(id);
            break;
        case H5I_DATATYPE:
            status = H5Tclose(id);
            break;
        case H5I_GENPROP_LST:
            status = H5Pclose(id);
            break;
        default:
            status = H5Idec_ref(id) < 0 ? -1 : 0;
            break;
    }
    check_status(status, "cannot close HDF5 object");
}

// ---------------------------------------------------------------------------------------------
// Hdf5File

Hdf5File::Hdf5File(Hdf5Handle handle, std::filesystem::path path)
    : handle_(std::move(handle)),
      path_(std::move(path)) {}

Hdf5File Hdf5File::create(const std::filesystem::path& path) {
    quiet_hdf5();
    Hdf5Handle fapl(check_id(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate(file access)"));
    // 1.8 format objects at least, 1.10 at most: readable by h5py/pandas with HDF5 >= 1.10, and
    // the same structures on every run.
    check_status(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V110),
                 "H5Pset_libver_bounds");
    Hdf5Handle fcpl(check_id(H5Pcreate(H5P_FILE_CREATE), "H5Pcreate(file create)"));
    check_status(H5Pset_obj_track_times(fcpl.get(), false), "H5Pset_obj_track_times");
    const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
    if (id < 0) {
        fail("cannot create " + path.string());
    }
    return Hdf5File(Hdf5Handle(id), path);
}

Hdf5File Hdf5File::open_read(const std::filesystem::path& path) {
    quiet_hdf5();
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) {
        fail("cannot open " + path.string());
    }
    return Hdf5File(Hdf5Handle(id), path);
}

Hdf5File Hdf5File::open_write(const std::filesystem::path& path) {
    quiet_hdf5();
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (id < 0) {
        fail("cannot open " + path.string() + " for writing");
    }
    return Hdf5File(Hdf5Handle(id), path);
}

void Hdf5File::create_group(const std::string& path) {
    quiet_hdf5();
    Hdf5Handle gcpl = group_creation_plist();
    Hdf5Handle group(check_id(H5Gcreate2(id(), path.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                              "cannot create group " + path));
    group.close();
}

template <class T>
void Hdf5File::write_column(const std::string& path, const std::vector<T>& values) {
    quiet_hdf5();
    // Small tables (units, summaries, series) get chunks of their own size: a full 64k-row
    // chunk would be zero-padded and deflated for a handful of values.
    const std::size_t chunk = std::clamp<std::size_t>(values.size(), 1, column_chunk_rows);
    Hdf5Handle dataset = create_column_dataset(id(), path, file_type<T>(), chunk, values.size());
    if (!values.empty()) {
        check_status(
            H5Dwrite(dataset.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "cannot write " + path);
    }
    dataset.close();
}

void Hdf5File::write_string_column(const std::string& path,
                                   const std::vector<std::string>& values) {
    quiet_hdf5();
    Hdf5Handle type = utf8_string_type();
    const std::size_t chunk = std::clamp<std::size_t>(values.size(), 1, column_chunk_rows);
    Hdf5Handle dataset = create_column_dataset(id(), path, type.get(), chunk, values.size());
    if (!values.empty()) {
        std::vector<const char*> pointers;
        pointers.reserve(values.size());
        for (const auto& v : values) {
            pointers.push_back(v.c_str());
        }
        check_status(
            H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
            "cannot write " + path);
    }
    dataset.close();
}

void Hdf5File::set_attribute(const std::string& object_path,
                             const std::string& name,
                             std::int64_t v) {
    quiet_hdf5();
    Hdf5Handle attr = create_scalar_attribute(id(), object_path, name, H5T_STD_I64LE);
    check_status(H5Awrite(attr.get(), H5T_NATIVE_INT64, &v), "cannot write attribute " + name);
    attr.close();
}

void Hdf5File::set_attribute(const std::string& object_path, const std::string& name, double v) {
    quiet_hdf5();
    Hdf5Handle attr = create_scalar_attribute(id(), object_path, name, H5T_IEEE_F64LE);
    check_status(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &v), "cannot write attribute " + name);
    attr.close();
}

void Hdf5File::set_attribute(const std::string& object_path,
                             const std::string& name,
                             const std::string& v) {
    quiet_hdf5();
    Hdf5Handle type = utf8_string_type();
    Hdf5Handle attr = create_scalar_attribute(id(), object_path, name, type.get());
    const char* pointer = v.c_str();
    check_status(H5Awrite(attr.get(), type.get(), &pointer), "cannot write attribute " + name);
    attr.close();
}

void Hdf5File::copy_from(const std::filesystem::path& source,
                         const std::string& source_path,
                         const std::string& dest_path) {
    quiet_hdf5();
    Hdf5File from = open_read(source);
    check_status(
        H5Ocopy(from.id(), source_path.c_str(), id(), dest_path.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        "cannot copy " + source.string() + ":" + source_path + " to " + path_.string() + ":" +
            dest_path);
}

void Hdf5File::resize_column(const std::string& path, std::size_t rows) {
    quiet_hdf5();
    const Hdf5Handle dataset(
        check_id(H5Dopen2(id(), path.c_str(), H5P_DEFAULT), "cannot open " + path));
    const hsize_t size[1] = {rows};
    check_status(H5Dset_extent(dataset.get(), size), "cannot resize " + path);
}

void Hdf5File::flush() {
    quiet_hdf5();
    check_status(H5Fflush(id(), H5F_SCOPE_GLOBAL), "cannot flush " + path_.string());
}

void Hdf5File::close() {
    if (handle_.valid()) {
        quiet_hdf5();
        const hid_t id = handle_.release();
        if (H5Fclose(id) < 0) {
            fail("cannot close " + path_.string());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hdf5Column

template <class T>
Hdf5Column<T>::Hdf5Column(Hdf5File& file, const std::string& path)
    : path_(path) {
    quiet_hdf5();
    dataset_ = create_column_dataset(file.id(), path, file_type<T>(), column_chunk_rows, 0);
}

template <class T>
void Hdf5Column<T>::append(const T* data, std::size_t n) {
    if (n == 0) {
        return;
    }
    quiet_hdf5();
    const hsize_t new_size[1] = {size_ + n};
    check_status(H5Dset_extent(dataset_.get(), new_size), "cannot extend " + path_);
    Hdf5Handle file_space(check_id(H5Dget_space(dataset_.get()), "H5Dget_space " + path_));
    const hsize_t start[1] = {size_};
    const hsize_t count[1] = {n};
    check_status(
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        "H5Sselect_hyperslab " + path_);
    Hdf5Handle mem_space(check_id(H5Screate_simple(1, count, nullptr), "H5Screate_simple"));
    check_status(
        H5Dwrite(
            dataset_.get(), native_type<T>(), mem_space.get(), file_space.get(), H5P_DEFAULT, data),
        "cannot write " + path_);
    size_ += n;
}

template <class T>
void Hdf5Column<T>::append_compressed(const CompressedChunk& chunk) {
    if (chunk.rows == 0) {
        return;
    }
    if (size_ % column_chunk_rows != 0 || chunk.rows > column_chunk_rows) {
        throw IoError("misaligned chunk append to " + path_);
    }
    if (!chunk.filtered) {
        // Built without zlib: the chunk holds the raw values; HDF5 filters them here.
        append(reinterpret_cast<const T*>(chunk.bytes.data()), chunk.rows);
        return;
    }
    quiet_hdf5();
    const hsize_t new_size[1] = {size_ + chunk.rows};
    check_status(H5Dset_extent(dataset_.get(), new_size), "cannot extend " + path_);
    const hsize_t offset[1] = {size_};
    check_status(
        H5Dwrite_chunk(
            dataset_.get(), H5P_DEFAULT, 0, offset, chunk.bytes.size(), chunk.bytes.data()),
        "cannot write a chunk of " + path_);
    size_ += chunk.rows;
}

bool parallel_compression_available() {
#if defined(TIERSIM_HAVE_ZLIB)
    return true;
#else
    return false;
#endif
}

template <class T>
void compress_chunk(const T* data, std::size_t n, CompressedChunk& out) {
    if (n > column_chunk_rows) {
        throw IoError("compress_chunk: more values than a chunk holds");
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(data);
    out.rows = n;
#if defined(TIERSIM_HAVE_ZLIB)
    constexpr std::size_t width = sizeof(T);
    constexpr std::size_t total = column_chunk_rows * width;
    out.filtered = true;
    out.scratch.resize(total);
    unsigned char* shuffled = out.scratch.data();
    if constexpr (width == 1) {
        if (n > 0)
            std::memcpy(shuffled, bytes, n);  // data may be null when n == 0
        std::memset(shuffled + n, 0, total - n);
    } else {
        // HDF5's shuffle filter: byte b of every element, then byte b+1, … (padding is zero,
        // HDF5's fill value, as when HDF5 filters a partial chunk itself).
        for (std::size_t b = 0; b < width; ++b) {
            unsigned char* plane = shuffled + b * column_chunk_rows;
            for (std::size_t i = 0; i < n; ++i) {
                plane[i] = bytes[i * width + b];
            }
            std::memset(plane + n, 0, column_chunk_rows - n);
        }
    }
    // The same call, level and input as HDF5's deflate filter (H5Zdeflate.c).
    uLongf size = compressBound(static_cast<uLong>(total));
    out.bytes.resize(size);
    const int status =
        compress2(out.bytes.data(), &size, shuffled, static_cast<uLong>(total), deflate_level);
    if (status != Z_OK) {
        throw IoError("deflate failed (zlib status " + std::to_string(status) + ")");
    }
    out.bytes.resize(size);
#else
    out.filtered = false;
    out.bytes.assign(bytes, bytes + n * sizeof(T));
#endif
}

template void compress_chunk(const std::int8_t*, std::size_t, CompressedChunk&);
template void compress_chunk(const std::int16_t*, std::size_t, CompressedChunk&);
template void compress_chunk(const std::int32_t*, std::size_t, CompressedChunk&);
template void compress_chunk(const std::int64_t*, std::size_t, CompressedChunk&);
template void compress_chunk(const double*, std::size_t, CompressedChunk&);

template class Hdf5Column<std::int8_t>;
template class Hdf5Column<std::int16_t>;
template class Hdf5Column<std::int32_t>;
template class Hdf5Column<std::int64_t>;
template class Hdf5Column<double>;
template void Hdf5File::write_column(const std::string&, const std::vector<std::int8_t>&);
template void Hdf5File::write_column(const std::string&, const std::vector<std::int16_t>&);
template void Hdf5File::write_column(const std::string&, const std::vector<std::int32_t>&);
template void Hdf5File::write_column(const std::string&, const std::vector<std::int64_t>&);
template void Hdf5File::write_column(const std::string&, const std::vector<double>&);

// ---------------------------------------------------------------------------------------------
// Read helpers

template <class T>
std::vector<T> read_column(const std::filesystem::path& file, const std::string& dataset) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle d = open_dataset(f.id(), dataset);
    std::vector<T> values(dataset_rows(d.get(), dataset));
    if (!values.empty()) {
        check_status(
            H5Dread(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "cannot read " + dataset);
    }
    return values;
}

template std::vector<std::int8_t> read_column(const std::filesystem::path&, const std::string&);
template std::vector<std::int16_t> read_column(const std::filesystem::path&, const std::string&);
template std::vector<std::int32_t> read_column(const std::filesystem::path&, const std::string&);
template std::vector<std::int64_t> read_column(const std::filesystem::path&, const std::string&);
template std::vector<double> read_column(const std::filesystem::path&, const std::string&);

std::vector<std::string> read_string_column(const std::filesystem::path& file,
                                            const std::string& dataset) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle d = open_dataset(f.id(), dataset);
    const std::size_t n = dataset_rows(d.get(), dataset);
    std::vector<std::string> values;
    if (n == 0) {
        return values;
    }
    Hdf5Handle type = utf8_string_type();
    std::vector<char*> pointers(n, nullptr);
    check_status(H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
                 "cannot read " + dataset);
    values.reserve(n);
    for (char* p : pointers) {
        values.emplace_back(p != nullptr ? p : "");
    }
    Hdf5Handle space(check_id(H5Dget_space(d.get()), "H5Dget_space"));
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, pointers.data());
    return values;
}

std::size_t column_size(const std::filesystem::path& file, const std::string& dataset) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle d = open_dataset(f.id(), dataset);
    return dataset_rows(d.get(), dataset);
}

bool has_object(const std::filesystem::path& file, const std::string& path) {
    Hdf5File f = Hdf5File::open_read(file);
    // H5Lexists fails on a missing intermediate group: check each link on the way down.
    for (std::size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
        const std::string prefix = path.substr(0, end);
        if (H5Lexists(f.id(), prefix.c_str(), H5P_DEFAULT) <= 0)
            return false;
        if (end == std::string::npos)
            return true;
    }
}

std::vector<unsigned char> read_raw_column(const std::filesystem::path& file,
                                           const std::string& dataset) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle d = open_dataset(f.id(), dataset);
    const std::size_t n = dataset_rows(d.get(), dataset);
    Hdf5Handle type(check_id(H5Dget_type(d.get()), "H5Dget_type " + dataset));
    if (H5Tis_variable_str(type.get()) > 0) {
        // Variable-length strings: the bytes of the strings, each with its terminator.
        std::vector<unsigned char> bytes;
        for (const auto& s : read_string_column(file, dataset)) {
            bytes.insert(bytes.end(), s.begin(), s.end());
            bytes.push_back(0);
        }
        return bytes;
    }
    const std::size_t element = H5Tget_size(type.get());
    std::vector<unsigned char> bytes(n * element);
    if (n > 0) {
        check_status(H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()),
                     "cannot read " + dataset);
    }
    return bytes;
}

std::vector<unsigned char> read_raw_attribute(const std::filesystem::path& file,
                                              const std::string& object_path,
                                              const std::string& name) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle attr = open_attribute(f.id(), object_path, name);
    Hdf5Handle type(check_id(H5Aget_type(attr.get()), "H5Aget_type"));
    if (H5Tget_class(type.get()) == H5T_STRING) {
        const std::string text = read_string_attribute(file, object_path, name);
        return {text.begin(), text.end()};
    }
    Hdf5Handle space(check_id(H5Aget_space(attr.get()), "H5Aget_space"));
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n < 0) {
        fail("cannot size " + object_path + "@" + name);
    }
    std::vector<unsigned char> bytes(static_cast<std::size_t>(n) * H5Tget_size(type.get()));
    if (!bytes.empty()) {
        check_status(H5Aread(attr.get(), type.get(), bytes.data()),
                     "cannot read " + object_path + "@" + name);
    }
    return bytes;
}

std::string read_string_attribute(const std::filesystem::path& file,
                                  const std::string& object_path,
                                  const std::string& name) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle attr = open_attribute(f.id(), object_path, name);
    Hdf5Handle file_type_id(check_id(H5Aget_type(attr.get()), "H5Aget_type"));
    if (H5Tget_class(file_type_id.get()) != H5T_STRING) {
        throw IoError(object_path + "@" + name + " is not a string attribute");
    }
    if (H5Tis_variable_str(file_type_id.get()) > 0) {
        Hdf5Handle type = utf8_string_type();
        char* pointer = nullptr;
        check_status(H5Aread(attr.get(), type.get(), &pointer),
                     "cannot read " + object_path + "@" + name);
        std::string value = pointer != nullptr ? pointer : "";
        H5free_memory(pointer);
        return value;
    }
    // Fixed-length strings (written by other tools).
    const std::size_t size = H5Tget_size(file_type_id.get());
    std::string value(size, '\0');
    check_status(H5Aread(attr.get(), file_type_id.get(), value.data()),
                 "cannot read " + object_path + "@" + name);
    value.resize(std::strlen(value.c_str()));
    return value;
}

double read_double_attribute(const std::filesystem::path& file,
                             const std::string& object_path,
                             const std::string& name) {
    return read_scalar_attribute<double>(file, object_path, name);
}

std::int64_t read_int_attribute(const std::filesystem::path& file,
                                const std::string& object_path,
                                const std::string& name) {
    return read_scalar_attribute<std::int64_t>(file, object_path, name);
}

std::vector<std::string> list_attributes(const std::filesystem::path& file,
                                         const std::string& object_path) {
    Hdf5File f = Hdf5File::open_read(file);
    Hdf5Handle object = open_object(f.id(), object_path);
    std::vector<std::string> names;
    hsize_t index = 0;
    auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
    };
    check_status(H5Aiterate2(object.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names),
                 "cannot list attributes of " + object_path);
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> list_datasets(const std::filesystem::path& file,
                                       const std::string& group) {
    return list_children(file, group, H5I_DATASET);
}

std::vector<std::string> list_groups(const std::filesystem::path& file, const std::string& group) {
    return list_children(file, group, H5I_GROUP);
}

}  // namespace tiersim::io
