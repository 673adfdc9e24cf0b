package dev.unroll.spark;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.service.Solver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Encodes one partition: reads up to {@code batch} rows, codes their valid signals in one call of the JVM's
 * {@link Solver} and emits every row in its order with two cells added, the codes (null for a bad row) and
 * the error (null for a good row). Streams: at most one batch of rows is held at a time.
 */
final class PartitionEncoder implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final String model;
    private final int column;
    private final int batch;
    private final boolean floatCodes;

    /**
     * @param model      the model file (or the name of a file shipped with {@code --files})
     * @param column     the index of the signal column
     * @param batch      signals per backend call
     * @param floatCodes codes as {@code float[]} (an F32 model) rather than {@code double[]}
     */
    PartitionEncoder(String model, int column, int batch, boolean floatCodes) {
        this.model = model;
        this.column = column;
        this.batch = batch;
        this.floatCodes = floatCodes;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Solver solver = ExecutorModels.solver(model, batch);
        return new Iterator<>() {
            private final List<Row> pending = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next == pending.size()) {
                    pending.clear();
                    next = 0;
                    encodeNextBatch(rows, solver, pending);
                }
                return next < pending.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.get(next++);
            }
        };
    }

    /** Reads up to {@code batch} rows of {@code rows}, codes them, and appends the output rows to {@code out}. */
    private void encodeNextBatch(Iterator<Row> rows, Solver solver, List<Row> out) {
        int n = solver.signalDim();
        int m = solver.atoms();
        List<Row> in = new ArrayList<>();
        String[] errors = new String[batch];
        int[] slot = new int[batch];
        double[] block = new double[n * batch];
        double[] signal = new double[n];
        int good = 0;
        while (in.size() < batch && rows.hasNext()) {
            Row row = rows.next();
            int i = in.size();
            in.add(row);
            errors[i] = SignalCells.read(row, column, signal);
            if (errors[i] == null) {
                System.arraycopy(signal, 0, block, good * n, n);
                slot[i] = good++;
            }
        }
        double[] codes = good == 0 ? new double[0]
                : solver.encode(new HostMatrix(n, good, java.util.Arrays.copyOf(block, n * good))).values();
        for (int i = 0; i < in.size(); i++) {
            Object z = errors[i] == null ? codesOf(codes, slot[i] * m, m) : null;
            out.add(withCells(in.get(i), z, errors[i]));
        }
    }

    private Object codesOf(double[] codes, int from, int m) {
        if (!floatCodes) {
            return java.util.Arrays.copyOfRange(codes, from, from + m);
        }
        float[] z = new float[m];
        for (int k = 0; k < m; k++) {
            z[k] = (float) codes[from + k];
        }
        return z;
    }

    private static Row withCells(Row row, Object codes, String error) {
        Object[] cells = new Object[row.length() + 2];
        for (int i = 0; i < row.length(); i++) {
            cells[i] = row.get(i);
        }
        cells[row.length()] = codes;
        cells[row.length() + 1] = error;
        return RowFactory.create(cells);
    }
}
