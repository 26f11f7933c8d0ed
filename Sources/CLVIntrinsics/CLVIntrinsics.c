// The CPU hints of this module are `static inline` in include/CLVIntrinsics.h; this file holds the rest.
#include "CLVIntrinsics.h"

#if defined(__linux__)
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

// One directory level removed with system calls only (async-signal-safe: no malloc, no stdio), for a
// signal handler that must not leave a scratch directory behind. Entries are listed with getdents64
// into a buffer on the stack; subdirectories are not descended into (the scratch directories are flat).
int clv_remove_flat_directory(const char *path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buffer[4096];
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (n <= 0) break;
        for (long at = 0; at < n;) {
            unsigned short length = *(unsigned short *)(buffer + at + 16); // d_reclen
            const char *name = buffer + at + 19;                          // d_name
            if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)))) unlinkat(fd, name, 0);
            at += length;
        }
    }
    close(fd);
    return rmdir(path);
}
#else
#include <unistd.h>
int clv_remove_flat_directory(const char *path) { return rmdir(path); }
#endif
