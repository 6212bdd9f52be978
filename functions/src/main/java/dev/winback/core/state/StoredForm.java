package dev.winback.core.state;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a value becomes when a state is encoded and decoded again ({@link StateCodec}), for copies
 * that must equal a store's round trip without paying for it: instants and durations keep
 * milliseconds, empty texts of a bean are left out (so read back as null), and a double that a
 * float holds exactly is written as a float (so an untyped profile value comes back a {@code Float}).
 */
final class StoredForm {

    /** A profile value whose round trip is not modelled here; the copy then takes the codec's path. */
    static final Object UNMODELLED = new Object();

    private StoredForm() {
    }

    static Instant instant(Instant at) {
        return at == null || at.getNano() % 1_000_000 == 0 ? at : Instant.ofEpochMilli(at.toEpochMilli());
    }

    static Duration duration(Duration duration) {
        return duration == null || duration.getNano() % 1_000_000 == 0 ? duration : Duration.ofMillis(duration.toMillis());
    }

    static String text(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /** An untyped profile value as decoding gives it back (nested objects and lists too), or {@link #UNMODELLED}. */
    static Object profileValue(Object value) {
        return switch (value) {
            case String text -> text;
            case Boolean flag -> flag;
            case Integer number -> number;
            case Float number -> number;
            case BigDecimal number -> number;
            case Long number -> number == number.intValue() ? (Object) number.intValue() : number;
            case Double number -> (double) number.floatValue() == number ? (Object) number.floatValue() : number;
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                for (Object element : list) {
                    Object stored = element == null ? null : profileValue(element);
                    if (stored == UNMODELLED) {
                        yield UNMODELLED;
                    }
                    copy.add(stored);
                }
                yield copy;
            }
            case Map<?, ?> map -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    Object stored = entry.getValue() == null ? null : profileValue(entry.getValue());
                    if (!(entry.getKey() instanceof String) || stored == UNMODELLED) {
                        yield UNMODELLED;
                    }
                    copy.put(entry.getKey(), stored);
                }
                yield copy;
            }
            default -> UNMODELLED;
        };
    }
}
