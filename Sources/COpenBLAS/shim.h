// OpenBLAS's CBLAS interface. Debian installs it under openblas-pthread/ and points the
// generic <cblas.h> at whichever BLAS is selected; we want OpenBLAS's own, which also
// declares openblas_set_num_threads.
#if __has_include(<openblas-pthread/cblas.h>)
#include <openblas-pthread/cblas.h>
#elif __has_include(<openblas/cblas.h>)
#include <openblas/cblas.h>
#else
#include <cblas.h>
#endif
