/**
 * Files that leave or enter the JVM: NumPy {@code .npy} arrays ({@link dev.unroll.solvers.io.Npy}) and
 * safetensors model files ({@link dev.unroll.solvers.io.Safetensors}), both bit-exact for F32/F64, both
 * checked in full before anything is returned ({@link dev.unroll.solvers.io.ModelFileException}), both
 * written atomically ({@link dev.unroll.solvers.io.AtomicFiles}). Matrices travel as column-major arrays
 * ({@link dev.unroll.solvers.io.ColumnMajorF64}, {@link dev.unroll.solvers.io.ColumnMajorF32}), the layout
 * of the backends; the readers and writers convert to and from the files' row-major order.
 */
package dev.unroll.solvers.io;
