// System library shim for OpenBLAS (Debian: libopenblas-dev, pkg-config openblas).
// OpenBLAS 0.3.21 on Debian exports LAPACK's Fortran symbols but installs no LAPACKE header,
// so the few LAPACK routines this package calls are declared here by hand.
#include <cblas.h>

/// LAPACK DSYEVD: eigenvalues (and optionally eigenvectors) of a real symmetric matrix,
/// divide and conquer. Column-major; `jobz` 'N' or 'V', `uplo` 'U' or 'L'.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info);

/// LAPACK SSYEVD: single-precision DSYEVD.
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork,
             int *info);

/// LAPACK DPOTRF: Cholesky factorisation of a symmetric positive-definite matrix.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);

/// LAPACK DPOTRS: solves A X = B with the Cholesky factor from DPOTRF.
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);
