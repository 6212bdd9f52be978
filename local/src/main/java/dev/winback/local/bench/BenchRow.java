package dev.winback.local.bench;

/**
 * One line of {@code winback bench}: what was measured, what it is compared with (a physical or design
 * limit, or the library it competes with — measured in the same run), the result, the ratio of the
 * two where one makes sense, the goal and whether the result meets it.
 *
 * @param suite      the benchmark that produced the row ({@code --only} takes this name)
 * @param ratio      result / comparison, or NaN when the row has none
 * @param goal       the goal as written in BENCHMARKS.md, or "" for a figure without one
 */
public record BenchRow(String suite, String measure, String comparison, String result, double ratio, String goal,
                       Verdict verdict) {

    /** Whether the row meets its goal; {@code ERROR} when the benchmark failed, {@code REFERENCED} when not run here. */
    public enum Verdict {
        MET("met"), NOT_MET("NOT MET"), NO_GOAL(""), REFERENCED("not run here"), ERROR("ERROR");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A figure without a goal (yet): give it one with {@link #goal}. */
    public static BenchRow of(String suite, String measure, String comparison, String result) {
        return new BenchRow(suite, measure, comparison, result, Double.NaN, "", Verdict.NO_GOAL);
    }

    /** A row for a benchmark that threw: the table shows it instead of the run stopping. */
    public static BenchRow error(String suite, Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new BenchRow(suite, suite + " failed", "", message.replace('\n', ' '), Double.NaN, "", Verdict.ERROR);
    }

    /** A figure measured elsewhere (a test against an emulator): the row names the command instead. */
    public static BenchRow referenced(String suite, String measure, String comparison, String howToMeasure, String goal) {
        return new BenchRow(suite, measure, comparison, howToMeasure, Double.NaN, goal, Verdict.REFERENCED);
    }

    public BenchRow ratio(double value) {
        return new BenchRow(suite, measure, comparison, result, value, goal, verdict);
    }

    public BenchRow goal(String text, boolean met) {
        return new BenchRow(suite, measure, comparison, result, ratio, text, met ? Verdict.MET : Verdict.NOT_MET);
    }

    public boolean hasRatio() {
        return !Double.isNaN(ratio);
    }
}
