package dev.unroll.engine;

/**
 * One learned parameter of a layer, with its shape in terms of the signal dimension n and the number of
 * atoms m. The names are ADOPTY's parameter names, but the shapes are the column convention's: ADOPTY's state
 * dict keys them {@code layer{t}-{name}} and stores every matrix transposed (the solvers' {@code
 * interop.AdoptyStateDict} maps one to the other).
 */
public enum ParamKind {
    /** W_z (m×m) of LISTA. */
    W_Z("Wz", Dim.M, Dim.M),
    /** W_x (m×n) of LISTA. */
    W_X("Wx", Dim.M, Dim.N),
    /** W (m×n) of LISTA-CP and of FIRST_STEP's first layer. */
    W_COUPLED("W_coupled", Dim.M, Dim.N),
    /** Per-atom thresholds θ (m×1); the layer thresholds at λθ. */
    THRESHOLDS("threshold", Dim.M, Dim.ONE),
    /** A scalar threshold θ (1×1). */
    THRESHOLD("threshold", Dim.ONE, Dim.ONE),
    /** A scalar step size α (1×1). */
    STEP_SIZE("step_size", Dim.ONE, Dim.ONE);

    private final String id;
    private final Dim rows;
    private final Dim cols;

    ParamKind(String id, Dim rows, Dim cols) {
        this.id = id;
        this.rows = rows;
        this.cols = cols;
    }

    /** ADOPTY's name of the parameter. */
    public String id() {
        return id;
    }

    /** Rows for a network with signal dimension n and m atoms. */
    public int rows(int n, int m) {
        return rows.of(n, m);
    }

    /** Columns for a network with signal dimension n and m atoms. */
    public int cols(int n, int m) {
        return cols.of(n, m);
    }

    private enum Dim {
        N, M, ONE;

        int of(int n, int m) {
            return switch (this) {
                case N -> n;
                case M -> m;
                case ONE -> 1;
            };
        }
    }
}
