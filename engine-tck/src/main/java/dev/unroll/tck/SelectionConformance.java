package dev.unroll.tck;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.BackendStatus;
import dev.unroll.engine.BackendUnavailableException;
import dev.unroll.engine.Backends;
import dev.unroll.tck.providers.BrokenProbeTestProvider;
import dev.unroll.tck.providers.UnavailableTestProvider;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Backend discovery and selection: the backend under test is found and starts by name; an unknown or an
 * unavailable backend named explicitly fails with its reason and never falls back; a probe that throws is
 * reported, not propagated; automatic selection picks the highest-priority available backend and logs its
 * choice and every skipped backend with the reason.
 */
public class SelectionConformance {

    @Test
    void backendUnderTestIsDiscoveredAndStartsByName() {
        String name = TckBackend.name();
        // Skips (or fails, when required) with the probe's reason where the backend is absent or unavailable.
        try (Backend backend = TckBackend.open()) {
            Optional<BackendStatus> status = Backends.survey().stream().filter(s -> s.name().equals(name)).findFirst();
            Assertions.assertTrue(status.isPresent(), "backend '" + name + "' must be discoverable through ServiceLoader");
            Assertions.assertEquals(name, backend.name());
            Assertions.assertNotNull(backend.capabilities());
        }
    }

    @Test
    void surveyIsOrderedByPriorityAndSurvivesBrokenProbes() {
        List<BackendStatus> survey = Backends.survey();
        for (int i = 1; i < survey.size(); i++) {
            Assertions.assertTrue(survey.get(i - 1).priority() >= survey.get(i).priority(), "survey order: " + survey);
        }
        BackendStatus broken = survey.stream().filter(s -> s.name().equals(BrokenProbeTestProvider.NAME)).findFirst()
                .orElseThrow();
        Assertions.assertFalse(broken.availability().available());
        Assertions.assertTrue(broken.availability().reason().contains("libtck-missing.so"), broken.availability().reason());
        Assertions.assertTrue(survey.stream().anyMatch(s -> s.name().equals("reference") && s.availability().available()),
                "the reference backend is always available");
    }

    @Test
    void unknownBackendFailsListingTheInstalledOnes() {
        BackendUnavailableException e = Assertions.assertThrows(BackendUnavailableException.class,
                () -> Backends.open("no-such-backend", BackendConfig.defaults()));
        Assertions.assertTrue(e.getMessage().contains("unknown backend 'no-such-backend'"), e.getMessage());
        Assertions.assertTrue(e.getMessage().contains("reference"), "lists the installed backends: " + e.getMessage());
    }

    @Test
    void namedUnavailableBackendFailsWithItsReasonAndFix() {
        BackendUnavailableException e = Assertions.assertThrows(BackendUnavailableException.class,
                () -> Backends.open(UnavailableTestProvider.NAME, BackendConfig.defaults()));
        Assertions.assertTrue(e.getMessage().contains(UnavailableTestProvider.REASON), e.getMessage());
        Assertions.assertTrue(e.getMessage().contains(UnavailableTestProvider.FIX), e.getMessage());
        Assertions.assertTrue(e.getMessage().contains("never fall back"), e.getMessage());
        BackendUnavailableException broken = Assertions.assertThrows(BackendUnavailableException.class,
                () -> Backends.open(BrokenProbeTestProvider.NAME, BackendConfig.defaults()));
        Assertions.assertTrue(broken.getMessage().contains("libtck-missing.so"), broken.getMessage());
    }

    @Test
    void autoPicksTheHighestPriorityAvailableBackendAndLogsWhy() {
        List<String> lines = new ArrayList<>();
        Logger logger = Logger.getLogger(Backends.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try (Backend chosen = Backends.open(Backends.AUTO, BackendConfig.defaults())) {
            String expected = Backends.autoChoice(Backends.survey()).orElseThrow().name();
            Assertions.assertEquals(expected, chosen.name());
            Assertions.assertTrue(lines.stream().anyMatch(l -> l.startsWith("Using backend '" + expected + "'")), lines.toString());
            Assertions.assertTrue(lines.stream().anyMatch(l -> l.contains("Skipped backend '" + UnavailableTestProvider.NAME
                    + "' (unavailable): " + UnavailableTestProvider.REASON)), lines.toString());
            Assertions.assertTrue(lines.stream().anyMatch(l -> l.contains("Skipped backend '" + BrokenProbeTestProvider.NAME
                    + "'")), lines.toString());
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void requestedNameComesFromThePropertyFirst() {
        String before = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, " Reference ");
            Assertions.assertEquals("reference", Backends.requestedName());
            try (Backend b = Backends.open()) {
                Assertions.assertEquals("reference", b.name());
            }
        } finally {
            if (before == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, before);
            }
        }
    }
}
