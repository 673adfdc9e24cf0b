package dev.unroll.spark;

import dev.unroll.engine.InvalidArgumentException;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one signal from a row's {@code array<float>} or {@code array<double>} cell, or says why the row
 * holds none: the reasons end up in the output's error column, so a bad row is reported, never dropped and
 * never the job's failure.
 */
final class SignalCells {
    private SignalCells() {
    }

    /** The index of {@code column} in {@code schema}, checked to be an array of float or double. */
    static int columnIndex(StructType schema, String column) {
        if (!List.of(schema.fieldNames()).contains(column)) {
            throw new InvalidArgumentException("the signals have no column '" + column + "'; their columns are "
                    + List.of(schema.fieldNames()));
        }
        StructField field = schema.apply(column);
        DataType type = field.dataType();
        if (!(type instanceof ArrayType a) || !(a.elementType().equals(DataTypes.FloatType)
                || a.elementType().equals(DataTypes.DoubleType))) {
            throw new InvalidArgumentException("column '" + column + "' must be array<float> or array<double> (one "
                    + "signal per row), but is " + type.simpleString());
        }
        return schema.fieldIndex(column);
    }

    /**
     * The signal in cell {@code index} of {@code row} into {@code out} (n values).
     *
     * @return null when it is a signal of n finite values, else the reason it is not
     */
    static String read(Row row, int index, double[] out) {
        if (row.isNullAt(index)) {
            return "no signal (the cell is null)";
        }
        List<Object> values = row.getList(index);
        if (values.size() != out.length) {
            return "the signal has " + values.size() + " values, but the model takes n = " + out.length;
        }
        for (int i = 0; i < out.length; i++) {
            Object v = values.get(i);
            if (v == null) {
                return "value " + i + " is null";
            }
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return "value " + i + " is " + d + "; signals must be finite";
            }
            out[i] = d;
        }
        return null;
    }
}
