package dev.unroll.solvers.interop;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the {@code data.pkl} of a {@code torch.save} file holding a state dict: pickle protocol 2, the
 * opcodes PyTorch's own pickler emits for an {@code OrderedDict} of CPU tensors, without the memo (a
 * reader needs none). For each entry:
 * <pre>
 * key → torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, collections.OrderedDict())
 * storage = persistent id ('storage', torch.DoubleStorage|FloatStorage, 'KEY', 'cpu', numel)
 * </pre>
 * where KEY names the entry {@code data/KEY} of the archive that holds the storage's bytes, and the tensor is
 * contiguous (row-major strides).
 */
final class StateDictPickler {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** One tensor of the dict: its key, storage type name ("DoubleStorage"), storage key and shape. */
    record Entry(String key, String storageType, String storageKey, int[] shape) {
    }

    /** The pickle of an OrderedDict of the given tensors, in order. */
    static byte[] pickle(List<Entry> entries) {
        StateDictPickler p = new StateDictPickler();
        p.op(0x80).op(2); // PROTO 2
        p.global("collections", "OrderedDict").op(')').op('R'); // OrderedDict()
        p.op('(');
        for (Entry e : entries) {
            p.unicode(e.key());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            // The storage, as a persistent id the loader resolves to data/KEY.
            p.op('(').unicode("storage").global("torch", e.storageType()).unicode(e.storageKey()).unicode("cpu");
            p.integer(numel(e.shape()));
            p.op('t').op('Q'); // TUPLE, BINPERSID
            p.integer(0); // storage offset
            p.ints(e.shape());
            p.ints(strides(e.shape()));
            p.op(0x89); // requires_grad = False
            p.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
            p.op('t').op('R'); // the argument tuple, then the call
        }
        p.op('u'); // SETITEMS
        p.op('.'); // STOP
        return p.out.toByteArray();
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int step = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = step;
            step *= Math.max(shape[i], 1);
        }
        return s;
    }

    private StateDictPickler op(int code) {
        out.write(code);
        return this;
    }

    private StateDictPickler global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    private StateDictPickler unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    /** A tuple of ints: EMPTY_TUPLE, TUPLE1/2/3, or MARK … TUPLE. */
    private void ints(int[] values) {
        if (values.length == 0) {
            op(')');
            return;
        }
        if (values.length > 3) {
            op('(');
        }
        for (int v : values) {
            integer(v);
        }
        op(switch (values.length) {
            case 1 -> 0x85;
            case 2 -> 0x86;
            case 3 -> 0x87;
            default -> 't';
        });
    }

    /** BININT1, BININT2 or BININT, as Python's pickler picks. */
    private void integer(long v) {
        if (v >= 0 && v < 256) {
            op('K').op((int) v);
        } else if (v >= 0 && v < 65536) {
            op('M').op((int) (v & 0xFF)).op((int) (v >>> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            op('J');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        } else {
            throw new IllegalArgumentException("a tensor of " + v + " elements is larger than this writer handles");
        }
    }
}
