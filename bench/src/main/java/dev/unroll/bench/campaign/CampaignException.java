package dev.unroll.bench.campaign;

/** A campaign file that cannot be run as written: the message says what is wrong and what to write instead. */
public final class CampaignException extends RuntimeException {
    /** An error with its message. */
    public CampaignException(String message) {
        super(message);
    }
}
