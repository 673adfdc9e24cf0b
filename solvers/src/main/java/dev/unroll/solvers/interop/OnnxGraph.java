package dev.unroll.solvers.interop;

import dev.unroll.engine.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one ONNX model (a {@code ModelProto} holding one {@code GraphProto}) in the protobuf wire format,
 * with the field numbers of {@code onnx/onnx.proto}:
 * <ul>
 * <li>ModelProto: ir_version 1, producer_name 2, doc_string 6, graph 7, opset_import 8 (OperatorSetIdProto:
 *     domain 1, version 2), metadata_props 14 (StringStringEntryProto: key 1, value 2);</li>
 * <li>GraphProto: node 1, name 2, initializer 5, input 11, output 12;</li>
 * <li>NodeProto: input 1, output 2, name 3, op_type 4, attribute 5;</li>
 * <li>AttributeProto: name 1, f 2, type 20 (FLOAT = 1);</li>
 * <li>TensorProto: dims 1, data_type 2 (FLOAT = 1, DOUBLE = 11), name 8, raw_data 9 (little-endian,
 *     row-major);</li>
 * <li>ValueInfoProto: name 1, type 2; TypeProto: tensor_type 1; TypeProto.Tensor: elem_type 1, shape 2;
 *     TensorShapeProto: dim 1; Dimension: dim_value 1, dim_param 2.</li>
 * </ul>
 * Every tensor of the graph has one element type, F32 or F64.
 */
final class OnnxGraph {
    /** IR version 8 (ONNX 1.10+): read by every ONNX Runtime since 1.10, and enough for opset 17. */
    static final long IR_VERSION = 8;
    /** The default-domain operator set the graphs use: Shrink, Sign, Relu, Abs, MatMul, Add, Sub, Mul. */
    static final long OPSET = 17;

    private static final int FLOAT = 1;
    private static final int DOUBLE = 11;
    private static final int ATTRIBUTE_FLOAT = 1;

    private final DType dtype;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int nextValue;

    /** A graph whose tensors are all of {@code dtype}. */
    OnnxGraph(DType dtype) {
        this.dtype = dtype;
    }

    /** A constant tensor {@code name} of shape {@code dims}, from its elements in row-major order. */
    String initializer(String name, long[] dims, double[] rowMajor) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, elementType());
        t.string(8, name);
        ByteBuffer raw = ByteBuffer.allocate(rowMajor.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : rowMajor) {
            if (dtype == DType.F32) {
                raw.putFloat((float) v);
            } else {
                raw.putDouble(v);
            }
        }
        t.bytes(9, raw.array());
        initializers.add(t);
        return name;
    }

    /** A graph input or output {@code name} of shape ({@code batch}, {@code width}), batch symbolic. */
    void input(String name, String batch, int width) {
        inputs.add(valueInfo(name, batch, width));
    }

    /** See {@link #input}. */
    void output(String name, String batch, int width) {
        outputs.add(valueInfo(name, batch, width));
    }

    /** Adds node {@code op} on {@code in}; returns the name of its (new) output value. */
    String node(String op, String... in) {
        return nodeInto("v" + nextValue++, op, Map.of(), in);
    }

    /** Adds node {@code op} with float attributes, writing the value {@code out}; returns {@code out}. */
    String nodeInto(String out, String op, Map<String, Float> attributes, String... in) {
        ProtoWriter n = new ProtoWriter();
        for (String i : in) {
            n.string(1, i);
        }
        n.string(2, out);
        n.string(3, op + "_" + nodes.size());
        n.string(4, op);
        for (Map.Entry<String, Float> a : attributes.entrySet()) {
            n.message(5, new ProtoWriter().string(1, a.getKey()).float32(2, a.getValue())
                    .varint(20, ATTRIBUTE_FLOAT));
        }
        nodes.add(n);
        return out;
    }

    /** A {@code metadata_props} entry of the model. */
    void metadata(String key, String value) {
        metadata.put(key, value);
    }

    /** The serialized ModelProto. */
    byte[] toModel(String graphName, String docString) {
        ProtoWriter g = new ProtoWriter();
        nodes.forEach(n -> g.message(1, n));
        g.string(2, graphName);
        initializers.forEach(t -> g.message(5, t));
        inputs.forEach(v -> g.message(11, v));
        outputs.forEach(v -> g.message(12, v));
        ProtoWriter model = new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "unroll")
                .string(6, docString)
                .message(7, g)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        metadata.forEach((k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
        return model.toByteArray();
    }

    private ProtoWriter valueInfo(String name, String batch, int width) {
        ProtoWriter shape = new ProtoWriter()
                .message(1, new ProtoWriter().string(2, batch))
                .message(1, new ProtoWriter().varint(1, width));
        ProtoWriter tensorType = new ProtoWriter().varint(1, elementType()).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    private int elementType() {
        return dtype == DType.F32 ? FLOAT : DOUBLE;
    }
}
