package dev.winback.local.trace;

import java.util.List;

/**
 * Builds the fields of one event as a JSON fragment ({@code "page":"home","merchantId":"m-3"}),
 * without a tree or reflection: generation writes millions of them. Money is written as a string
 * with two decimals ({@code "34.50"}, as payment systems send it and the format keeps exactly);
 * coordinates and fractions as JSON numbers printed from integers, so the text never depends on
 * how a JDK prints a double.
 */
final class Fields {

    private final StringBuilder json = new StringBuilder(256);

    Fields clear() {
        json.setLength(0);
        return this;
    }

    Fields text(String name, String value) {
        name(name);
        quote(json, value);
        return this;
    }

    Fields integer(String name, long value) {
        name(name).append(value);
        return this;
    }

    Fields bool(String name, boolean value) {
        name(name).append(value);
        return this;
    }

    /** Money as a decimal string: 3450 cents → {@code "34.50"}. */
    Fields money(String name, long cents) {
        name(name).append('"');
        decimal(json, cents, 2);
        json.append('"');
        return this;
    }

    /** A JSON number {@code units / 10^scale}: (-30, 0) → -30, (4123456, 5) → 41.23456. */
    Fields number(String name, long units, int scale) {
        decimal(name(name), units, scale);
        return this;
    }

    Fields texts(String name, List<String> values) {
        name(name).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            quote(json, values.get(i));
        }
        json.append(']');
        return this;
    }

    /** A nested object or array already written as JSON (by another {@code Fields}, in braces). */
    Fields raw(String name, String value) {
        name(name).append(value);
        return this;
    }

    String build() {
        return json.toString();
    }

    /** The fields wrapped as an object: {@code {"a":1}}. */
    String buildObject() {
        return "{" + json + "}";
    }

    private StringBuilder name(String name) {
        if (!json.isEmpty()) {
            json.append(',');
        }
        quote(json, name);
        return json.append(':');
    }

    static void decimal(StringBuilder out, long units, int scale) {
        if (units < 0) {
            out.append('-');
            units = -units;
        }
        if (scale == 0) {
            out.append(units);
            return;
        }
        long factor = 1;
        for (int i = 0; i < scale; i++) {
            factor *= 10;
        }
        out.append(units / factor).append('.');
        String fraction = Long.toString(units % factor);
        for (int i = fraction.length(); i < scale; i++) {
            out.append('0');
        }
        out.append(fraction);
    }

    /** A JSON string, escaped: quotes, backslashes and control characters. */
    static void quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
