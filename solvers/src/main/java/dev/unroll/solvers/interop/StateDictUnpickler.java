package dev.unroll.solvers.interop;

import dev.unroll.solvers.io.ModelFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code data.pkl} of a {@code torch.save} state dict without executing it: a pickle machine that
 * knows the opcodes PyTorch's pickler writes for a dict (or OrderedDict) of tensors, and only three
 * callables: {@code collections.OrderedDict()}, {@code torch._utils._rebuild_tensor_v2(...)} and the storage
 * classes named in persistent ids ({@code torch.FloatStorage}, {@code torch.DoubleStorage}). Any other
 * global, opcode or shape of data is refused with a {@link ModelFileException} naming it, so a pickle can
 * never make this reader do anything but build that dict.
 */
final class StateDictUnpickler {
    /** A tensor of the dict: a view of storage {@code storageKey} (an entry {@code data/KEY} of the archive). */
    record TensorRef(String storageType, String storageKey, long storageNumel, long offset, int[] size, long[] stride) {
    }

    private record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    private record Tuple(List<Object> items) {
    }

    private record StorageRef(String type, String key, long numel) {
    }

    private static final Object MARK = new Object();
    private static final Set<String> STORAGES = Set.of("FloatStorage", "DoubleStorage", "HalfStorage",
            "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage",
            "BoolStorage");

    private final ByteBuffer in;
    private final String where;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private StateDictUnpickler(byte[] pickle, String where) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.where = where;
    }

    /** The tensors of the state dict pickled in {@code pickle}, by key, in the dict's order. */
    static Map<String, TensorRef> read(byte[] pickle, String where) {
        Object result = new StateDictUnpickler(pickle, where).run();
        if (!(result instanceof Map<?, ?> map)) {
            throw new ModelFileException(where + " holds a pickled " + describe(result) + ", not a state dict; save "
                    + "the network with torch.save(net.state_dict(), FILE)");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof TensorRef t)) {
                throw new ModelFileException(where + ": entry " + e.getKey() + " of the dict is a "
                        + describe(e.getValue()) + "; a state dict maps names to tensors");
            }
            out.put(key, t);
        }
        return out;
    }

    private Object run() {
        try {
            while (true) {
                int op = in.get() & 0xFF;
                switch (op) {
                    case 0x80 -> in.get(); // PROTO n: every protocol's opcodes read the same here
                    case 0x95 -> in.getLong(); // FRAME (protocol 4): a size hint
                    case '.' -> {
                        return pop();
                    }
                    case 'c' -> stack.push(new Global(line(), line()));
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop();
                        stack.push(new Global(String.valueOf(pop()), String.valueOf(name)));
                    }
                    case 'q' -> memo.put((long) (in.get() & 0xFF), stack.peek());
                    case 'r' -> memo.put(in.getInt() & 0xFFFF_FFFFL, stack.peek());
                    case 0x94 -> memo.put((long) memo.size(), stack.peek()); // MEMOIZE
                    case 'h' -> stack.push(memo((long) (in.get() & 0xFF)));
                    case 'j' -> stack.push(memo(in.getInt() & 0xFFFF_FFFFL));
                    case '(' -> stack.push(MARK);
                    case ')' -> stack.push(new Tuple(List.of()));
                    case 't' -> stack.push(new Tuple(popToMark()));
                    case 0x85, 0x86, 0x87 -> {
                        int n = op - 0x84;
                        Object[] items = new Object[n];
                        for (int i = n - 1; i >= 0; i--) {
                            items[i] = pop();
                        }
                        stack.push(new Tuple(java.util.Arrays.asList(items)));
                    }
                    case '}' -> stack.push(new LinkedHashMap<>());
                    case ']' -> stack.push(new ArrayList<>());
                    case 's' -> {
                        Object value = pop();
                        Object key = pop();
                        dict(stack.peek()).put(key, value);
                    }
                    case 'u' -> {
                        List<Object> items = popToMark();
                        Map<Object, Object> d = dict(stack.peek());
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            d.put(items.get(i), items.get(i + 1));
                        }
                    }
                    case 'a' -> {
                        Object v = pop();
                        list(stack.peek()).add(v);
                    }
                    case 'e' -> {
                        List<Object> items = popToMark();
                        list(stack.peek()).addAll(items);
                    }
                    case 'X' -> stack.push(text(in.getInt()));
                    case 0x8c -> stack.push(text(in.get() & 0xFF)); // SHORT_BINUNICODE
                    case 'K' -> stack.push((long) (in.get() & 0xFF));
                    case 'M' -> stack.push((long) (in.getShort() & 0xFFFF));
                    case 'J' -> stack.push((long) in.getInt());
                    case 0x8a -> stack.push(long1(in.get() & 0xFF));
                    case 'G' -> stack.push(in.order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT is big-endian
                    case 0x88 -> stack.push(Boolean.TRUE);
                    case 0x89 -> stack.push(Boolean.FALSE);
                    case 'N' -> stack.push(Nothing.NONE);
                    case 'Q' -> stack.push(storage(pop()));
                    case 'R' -> {
                        Object args = pop();
                        stack.push(call(pop(), args));
                    }
                    case 'b' -> pop(); // BUILD: state set on a dict (the state dict's _metadata), not needed
                    default -> throw refuse("opcode 0x" + Integer.toHexString(op) + " at byte " + (in.position() - 1));
                }
                in.order(ByteOrder.LITTLE_ENDIAN);
            }
        } catch (java.nio.BufferUnderflowException | java.util.NoSuchElementException | ClassCastException e) {
            throw new ModelFileException(where + ": data.pkl is cut short or malformed (" + e.getClass().getSimpleName()
                    + " at byte " + in.position() + "); save the state dict again with torch.save", e);
        }
    }

    /** None, kept apart from Java's null so a stack can hold it. */
    private enum Nothing { NONE }

    private Object call(Object callable, Object args) {
        List<Object> a = ((Tuple) args).items();
        if (callable.equals(new Global("collections", "OrderedDict")) && a.isEmpty()) {
            return new LinkedHashMap<>();
        }
        if (callable.equals(new Global("torch._utils", "_rebuild_tensor_v2")) && a.size() >= 6) {
            if (!(a.get(0) instanceof StorageRef s)) {
                throw refuse("a tensor whose storage is a " + describe(a.get(0)));
            }
            List<Object> size = ((Tuple) a.get(2)).items();
            List<Object> stride = ((Tuple) a.get(3)).items();
            if (size.size() != stride.size()) {
                throw refuse("a tensor with " + size.size() + " sizes but " + stride.size() + " strides");
            }
            int[] dims = new int[size.size()];
            long[] steps = new long[size.size()];
            for (int i = 0; i < dims.length; i++) {
                long d = (Long) size.get(i);
                if (d < 0 || d > Integer.MAX_VALUE) {
                    throw refuse("a tensor dimension of " + d);
                }
                dims[i] = (int) d;
                steps[i] = (Long) stride.get(i);
            }
            return new TensorRef(s.type(), s.key(), s.numel(), (Long) a.get(1), dims, steps);
        }
        throw refuse("a call of " + callable + " with " + a.size() + " arguments (only OrderedDict() and "
                + "torch._utils._rebuild_tensor_v2 are read)");
    }

    /** A persistent id ('storage', torch.XStorage, key, location, numel). */
    private Object storage(Object pid) {
        List<Object> t = pid instanceof Tuple tuple ? tuple.items() : List.of();
        if (t.size() != 5 || !"storage".equals(t.get(0)) || !(t.get(1) instanceof Global g)
                || !g.module().equals("torch") || !STORAGES.contains(g.name()) || !(t.get(2) instanceof String key)
                || !(t.get(4) instanceof Long numel)) {
            throw refuse("a persistent id " + describe(pid) + " (expected ('storage', torch.XStorage, key, "
                    + "location, numel))");
        }
        return new StorageRef(g.name(), key, numel);
    }

    private ModelFileException refuse(String what) {
        return new ModelFileException(where + ": data.pkl holds " + what + ", which a state dict of tensors does "
                + "not; this reader never executes pickles — save only net.state_dict() with torch.save");
    }

    private Object memo(long index) {
        Object v = memo.get(index);
        if (v == null) {
            throw refuse("a reference to memo entry " + index + ", which was never stored");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw refuse("items set on a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw refuse("items appended to a " + describe(o));
    }

    private Object pop() {
        Object o = stack.pop();
        if (o == MARK) {
            throw refuse("a value where a mark was");
        }
        return o;
    }

    private List<Object> popToMark() {
        List<Object> items = new ArrayList<>();
        Object o;
        while ((o = stack.pop()) != MARK) {
            items.addFirst(o);
        }
        return items;
    }

    private String line() {
        int start = in.position();
        while (in.get() != '\n') {
            if (in.position() - start > 256) {
                throw refuse("a global name longer than 256 bytes");
            }
        }
        return new String(in.array(), start, in.position() - start - 1, StandardCharsets.UTF_8);
    }

    private String text(int length) {
        if (length < 0 || length > in.remaining()) {
            throw refuse("a string of " + length + " bytes with " + in.remaining() + " left");
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private long long1(int n) {
        if (n > 8) {
            throw refuse("an integer of " + n + " bytes");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (in.get() & 0xFFL) << (8 * i);
        }
        if (n > 0 && n < 8 && (v >>> (8 * n - 1)) != 0) {
            v -= 1L << (8 * n); // two's complement of n bytes
        }
        return v;
    }

    private static String describe(Object o) {
        return switch (o) {
            case null -> "nothing";
            case Global g -> "global " + g;
            case Tuple t -> "tuple of " + t.items().size();
            case TensorRef t -> "tensor";
            case Map<?, ?> m -> "dict";
            case String s -> "string '" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
            default -> o.getClass().getSimpleName() + " " + o;
        };
    }
}
