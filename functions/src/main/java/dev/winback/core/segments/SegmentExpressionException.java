package dev.winback.core.segments;

/**
 * A custom segment whose name or expression cannot be used. The message names the segment, quotes
 * the expression and carries CEL's own error, with line and column.
 */
public final class SegmentExpressionException extends IllegalArgumentException {

    private final String segment;
    private final String expression;
    private final String detail;

    SegmentExpressionException(String segment, String expression, String detail) {
        super(segment == null ? detail : "segment '" + segment + "': " + detail);
        this.segment = segment;
        this.expression = expression;
        this.detail = detail;
    }

    /** The problem without the segment's name. */
    public String detail() {
        return detail;
    }

    public String segment() {
        return segment;
    }

    public String expression() {
        return expression;
    }
}
