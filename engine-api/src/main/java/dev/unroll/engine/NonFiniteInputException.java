package dev.unroll.engine;

/** User data holding NaN or ±Inf, found where it enters the engine. */
public class NonFiniteInputException extends InvalidArgumentException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message (which element, which value, what to do). */
    public NonFiniteInputException(String message) {
        super(message);
    }
}
