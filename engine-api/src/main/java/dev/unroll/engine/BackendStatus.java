package dev.unroll.engine;

import dev.unroll.engine.spi.Availability;

/**
 * One provider as {@link Backends#survey()} sees it.
 *
 * @param name         the provider's name
 * @param priority     its rank for automatic selection (higher wins)
 * @param description  one line about it
 * @param availability what its probe found
 */
public record BackendStatus(String name, int priority, String description, Availability availability) {
}
