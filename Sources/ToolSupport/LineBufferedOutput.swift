// Only Glibc here, imported @preconcurrency: `stdout` is a C global, which Swift 6 refuses to
// name under the plain import that Foundation brings.
@preconcurrency import Glibc

/// Standard output a line at a time, also into a file or a pipe, where the C library would
/// otherwise hold it back in 4 KiB blocks until the end: a chapter's log shows each result as it
/// is printed. (Standard error is unbuffered already.)
func lineBufferStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
