/**
 * {@code unroll serve}: an HTTP encoder over a {@link dev.unroll.solvers.service.Solver}, on the JDK's own
 * server ({@code com.sun.net.httpserver}). {@link dev.unroll.cli.serve.EncodeServer} owns the lifecycle
 * (start, drain, stop); {@link dev.unroll.cli.serve.Admission} bounds the work in flight and turns the excess
 * away with 503; {@link dev.unroll.cli.serve.Routes} maps paths and methods to the endpoints and errors to
 * status codes; {@link dev.unroll.cli.serve.SignalCodec}s read request bodies (JSON or {@code .npy}) and
 * write the codes back; {@link dev.unroll.cli.serve.MicrometerObserver} turns the solver's observations into
 * Prometheus meters.
 *
 * <p>It is a package of the command line rather than a module of its own because it exists only as the
 * {@code serve} command: it shares the command's option parsing (model or ISTA/FISTA, backend, precision),
 * and the only dependency it adds, Micrometer, would come to the command through a module anyway.
 */
package dev.unroll.cli.serve;
