package dev.unroll.engine;

/** Operands whose shapes, leading dimensions or precisions do not fit the operation. */
public class ShapeMismatchException extends InvalidArgumentException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message (expected shape, given shape, what to change). */
    public ShapeMismatchException(String message) {
        super(message);
    }
}
