// faultfs: a one-file FUSE file system whose file fails on cue, for the
// source-fault tests. Neither device-mapper (no dm kernel driver) nor NBD
// (no nbd module) is usable in the test containers, but /dev/fuse is; no
// libfuse development package is needed either: this speaks the kernel's
// FUSE protocol (linux/fuse.h) directly. Needs root (mount(2)).
//
// Usage: faultfs MOUNTPOINT BACKING CONTROL
//   MOUNTPOINT/volume.img mirrors the file BACKING (reads, writes, size).
//   CONTROL is read before every read request; missing or empty = no fault:
//     eio OFFSET            reads reaching past OFFSET fail with EIO
//     shrink OFFSET SIZE    a read at or past OFFSET first truncates BACKING to SIZE
//     replace OFFSET FILE   a read at or past OFFSET makes the name volume.img refer to
//                           FILE (a new inode) from then on; open handles keep reading
//                           the old file, as with an unlinked and replaced file
// Prints "ready" once mounted; exits when unmounted (umount -l MOUNTPOINT).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <linux/fuse.h>
#pragma GCC diagnostic pop

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr uint64_t kRoot = FUSE_ROOT_ID;
constexpr uint64_t kVolume = 2;      // volume.img as first mounted
constexpr uint64_t kReplacement = 3; // volume.img after a "replace" fault
constexpr const char* kFileName = "volume.img";

int g_fuse = -1;
std::string g_backing;
std::string g_replacementPath;
std::string g_control;
bool g_replaced = false;
int g_volumeFd = -1;
int g_replacementFd = -1;

std::string pathOf(uint64_t node)
{
    return node == kReplacement ? g_replacementPath : g_backing;
}

int& fdOf(uint64_t node)
{
    return node == kReplacement ? g_replacementFd : g_volumeFd;
}

void reply(uint64_t unique, int error, const void* payload = nullptr, size_t size = 0)
{
    fuse_out_header header{};
    header.unique = unique;
    header.error = error == 0 ? 0 : -error;
    iovec parts[2] = {{&header, sizeof header}, {const_cast<void*>(payload), size}};
    const int count = error == 0 && size > 0 ? 2 : 1;
    header.len = uint32_t(sizeof header + (count == 2 ? size : 0));
    if (::writev(g_fuse, parts, count) < 0 && errno != ENOENT) // ENOENT: request interrupted
        std::perror("faultfs: reply");
}

bool fillAttr(uint64_t node, fuse_attr& attr)
{
    attr = {};
    attr.ino = node;
    attr.nlink = 1;
    attr.blksize = 4096;
    if (node == kRoot) {
        attr.mode = S_IFDIR | 0755;
        attr.nlink = 2;
        return true;
    }
    struct stat info
    {
    };
    const int fd = fdOf(node);
    if ((fd >= 0 ? ::fstat(fd, &info) : ::stat(pathOf(node).c_str(), &info)) != 0)
        return false;
    attr.mode = S_IFREG | 0644;
    attr.size = uint64_t(info.st_size);
    attr.blocks = uint64_t(info.st_blocks);
    attr.mtime = uint64_t(info.st_mtime);
    attr.ctime = uint64_t(info.st_ctime);
    attr.atime = uint64_t(info.st_atime);
    return true;
}

// Applies the fault named in the control file to a read of [offset, offset+size).
// Returns an errno to fail the read with, or 0.
int applyFault(uint64_t offset, uint64_t size)
{
    FILE* control = std::fopen(g_control.c_str(), "r");
    if (!control)
        return 0;
    char kind[16] = {};
    unsigned long long at = 0;
    char argument[4096] = {};
    const int fields = std::fscanf(control, "%15s %llu %4095s", kind, &at, argument);
    std::fclose(control);
    if (fields < 2)
        return 0;
    const std::string what = kind;
    if (what == "eio")
        return offset + size > at ? EIO : 0;
    if (offset < at)
        return 0;
    if (what == "shrink" && fields == 3) {
        const off_t target = off_t(std::strtoll(argument, nullptr, 10));
        struct stat info
        {
        };
        if (::stat(g_backing.c_str(), &info) == 0 && info.st_size > target)
            if (::truncate(g_backing.c_str(), target) != 0)
                std::perror("faultfs: truncate");
    } else if (what == "replace" && fields == 3 && !g_replaced) {
        g_replacementPath = argument;
        g_replaced = true;
    }
    return 0;
}

void handle(const fuse_in_header& in, const char* body, size_t bodySize)
{
    switch (in.opcode) {
    case FUSE_INIT: {
        const auto* init = reinterpret_cast<const fuse_init_in*>(body);
        fuse_init_out out{};
        out.major = FUSE_KERNEL_VERSION;
        out.minor = FUSE_KERNEL_MINOR_VERSION;
        out.max_readahead = init->max_readahead;
        out.max_background = 16;
        out.congestion_threshold = 12;
        out.max_write = 128 * 1024;
        out.time_gran = 1;
        out.max_pages = 32;
        reply(in.unique, 0, &out, sizeof out);
        return;
    }
    case FUSE_LOOKUP: {
        const std::string name(body, strnlen(body, bodySize));
        if (in.nodeid != kRoot || name != kFileName)
            return reply(in.unique, ENOENT);
        fuse_entry_out out{};
        out.nodeid = g_replaced ? kReplacement : kVolume;
        out.generation = 1;
        if (!fillAttr(out.nodeid, out.attr))
            return reply(in.unique, ENOENT);
        return reply(in.unique, 0, &out, sizeof out);
    }
    case FUSE_FORGET:
    case FUSE_BATCH_FORGET:
    case FUSE_INTERRUPT:
        return; // no reply expected
    case FUSE_GETATTR:
    case FUSE_SETATTR: {
        fuse_attr_out out{};
        if (!fillAttr(in.nodeid, out.attr))
            return reply(in.unique, ENOENT);
        return reply(in.unique, 0, &out, sizeof out);
    }
    case FUSE_OPEN: {
        if (in.nodeid == kRoot)
            return reply(in.unique, EISDIR);
        int& fd = fdOf(in.nodeid);
        if (fd < 0)
            fd = ::open(pathOf(in.nodeid).c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return reply(in.unique, errno);
        fuse_open_out out{};
        out.open_flags = FOPEN_DIRECT_IO; // every read reaches this process
        return reply(in.unique, 0, &out, sizeof out);
    }
    case FUSE_READ: {
        const auto* read = reinterpret_cast<const fuse_read_in*>(body);
        if (const int error = applyFault(read->offset, read->size))
            return reply(in.unique, error);
        std::vector<char> data(read->size);
        const ssize_t got = ::pread(fdOf(in.nodeid), data.data(), data.size(), off_t(read->offset));
        if (got < 0)
            return reply(in.unique, errno);
        return reply(in.unique, 0, data.data(), size_t(got));
    }
    case FUSE_WRITE: {
        const auto* write = reinterpret_cast<const fuse_write_in*>(body);
        const char* data = body + sizeof(fuse_write_in);
        const ssize_t put = ::pwrite(fdOf(in.nodeid), data, write->size, off_t(write->offset));
        if (put < 0)
            return reply(in.unique, errno);
        fuse_write_out out{};
        out.size = uint32_t(put);
        return reply(in.unique, 0, &out, sizeof out);
    }
    case FUSE_OPENDIR: {
        fuse_open_out out{};
        return reply(in.unique, 0, &out, sizeof out);
    }
    case FUSE_READDIR:
        return reply(in.unique, 0); // an empty listing: lookups by name are enough
    case FUSE_STATFS: {
        fuse_statfs_out out{};
        out.st.bsize = 4096;
        out.st.frsize = 4096;
        out.st.namelen = 255;
        return reply(in.unique, 0, &out, sizeof out);
    }
    case FUSE_RELEASE:
    case FUSE_RELEASEDIR:
    case FUSE_FLUSH:
    case FUSE_FSYNC:
    case FUSE_ACCESS:
        return reply(in.unique, 0);
    case FUSE_DESTROY:
        reply(in.unique, 0);
        std::exit(0);
    default:
        return reply(in.unique, ENOSYS);
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: faultfs MOUNTPOINT BACKING CONTROL\n");
        return 2;
    }
    g_backing = argv[2];
    g_control = argv[3];
    g_fuse = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (g_fuse < 0) {
        std::perror("faultfs: /dev/fuse");
        return 1;
    }
    const std::string options =
        "fd=" + std::to_string(g_fuse) + ",rootmode=40000,user_id=0,group_id=0,allow_other";
    if (::mount("faultfs", argv[1], "fuse.faultfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
        std::perror("faultfs: mount");
        return 1;
    }
    std::printf("ready\n");
    std::fflush(stdout);
    std::vector<char> buffer(FUSE_MIN_READ_BUFFER + 1024 * 1024);
    for (;;) {
        const ssize_t got = ::read(g_fuse, buffer.data(), buffer.size());
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == ENOENT)
                continue;
            if (errno == ENODEV)
                return 0; // unmounted
            std::perror("faultfs: read");
            return 1;
        }
        if (size_t(got) < sizeof(fuse_in_header))
            continue;
        const auto* header = reinterpret_cast<const fuse_in_header*>(buffer.data());
        handle(*header, buffer.data() + sizeof(fuse_in_header),
               size_t(got) - sizeof(fuse_in_header));
    }
}
