// Open MPI's C API for Swift. MPI_COMM_WORLD, MPI_FLOAT, MPI_DOUBLE and MPI_SUM are macros that
// take the address of library objects, which Swift cannot import; these functions return them.
#include <mpi.h>

static inline MPI_Comm alexnet_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype alexnet_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype alexnet_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype alexnet_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op alexnet_mpi_sum(void) { return MPI_SUM; }
static inline void *alexnet_mpi_in_place(void) { return MPI_IN_PLACE; }
