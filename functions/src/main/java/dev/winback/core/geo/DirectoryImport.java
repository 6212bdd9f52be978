package dev.winback.core.geo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Bulk import of the B2B directory (D1) from a file an operator exports from their CRM, as JSON Lines
 * or CSV. The import is all-or-nothing: a file with any bad line imports nothing, and the result lists
 * every problem (the first {@value #MAX_REPORTED} in full, plus the total count), each naming its line
 * and field, e.g. {@code line 17: lat: must be within [-90, 90]}. Half a directory would silently
 * shrink campaign audiences, which is worse than a rejected file the operator fixes and resends.
 *
 * <p><b>Fields</b> (both formats; names are case-sensitive):
 * <table>
 *   <caption>directory file fields</caption>
 *   <tr><th>field</th><th>rule</th></tr>
 *   <tr><td>{@code userId}</td><td>required, at most 128 characters, unique in the file</td></tr>
 *   <tr><td>{@code lat}, {@code lon}</td><td>required, degrees within [-90, 90] and [-180, 180]</td></tr>
 *   <tr><td>{@code role}</td><td>required, {@code supplier} or {@code buyer}</td></tr>
 *   <tr><td>{@code name}, {@code businessNature}, {@code wechatOpenId}</td><td>optional text</td></tr>
 *   <tr><td>{@code phone}</td><td>optional, digits (spaces and dashes allowed), optionally after {@code +}</td></tr>
 *   <tr><td>{@code verified}</td><td>optional {@code true}/{@code false}, default false</td></tr>
 *   <tr><td>{@code categories}, {@code materials}</td><td>optional lists of non-empty names</td></tr>
 *   <tr><td>{@code features}</td><td>optional numeric business features by name</td></tr>
 *   <tr><td>{@code preferences}</td><td>optional text preferences by name</td></tr>
 *   <tr><td>{@code tradeFrequency}</td><td>optional, deals per 30 days, ≥ 0, default 0</td></tr>
 *   <tr><td>{@code messageSensitivity}</td><td>optional, within [0, 1], default 0.5</td></tr>
 *   <tr><td>{@code conversionRate}</td><td>optional, within [0, 1], default 0</td></tr>
 *   <tr><td>{@code lastDealAt}</td><td>optional RFC 3339 instant ({@code 2026-10-23T08:00:00Z} or with an offset)</td></tr>
 *   <tr><td>{@code messagesReceived}, {@code campaignTransactions}</td><td>optional counts ≥ 0 (transactions ≤ messages)</td></tr>
 * </table>
 * Unknown fields are rejected: in an import file a misspelt column would otherwise drop data silently.
 *
 * <p><b>JSON Lines</b>: one JSON object per line; blank lines are skipped; {@code categories} and
 * {@code materials} are arrays of strings, {@code features} an object of numbers, {@code preferences}
 * an object of strings; null means absent.
 *
 * <p><b>CSV</b> (RFC 4180 quoting, one record per line, UTF-8): the first line is a header naming the
 * columns, in any order. List fields ({@code categories}, {@code materials}) hold their items separated
 * by {@code ;} (e.g. {@code 废钢;废铜}); each business feature is its own column {@code feature.NAME} and each
 * preference {@code preference.NAME}. An empty cell means absent. Line numbers count the header as line 1.
 */
public final class DirectoryImport {

    /** Problems reported in full; the rest are only counted. */
    public static final int MAX_REPORTED = 50;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 \\-]{4,23}");
    private static final Set<String> FIELDS = Set.of("userId", "name", "phone", "wechatOpenId", "lat", "lon",
            "businessNature", "role", "verified", "categories", "materials", "features", "preferences",
            "tradeFrequency", "messageSensitivity", "conversionRate", "lastDealAt", "messagesReceived",
            "campaignTransactions");
    private static final String FEATURE_COLUMN = "feature.";
    private static final String PREFERENCE_COLUMN = "preference.";

    private DirectoryImport() {
    }

    /** One thing wrong with the file; {@code field} is null when the whole line is at fault. */
    public record Problem(int line, String field, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + (field == null ? "" : field + ": ") + message;
        }
    }

    /**
     * The outcome: either every entry of the file ({@code problems} empty), or no entry and the problems
     * ({@code problems} holds at most {@value #MAX_REPORTED}, {@code problemCount} counts them all).
     */
    public record Result(List<DirectoryEntry> entries, List<Problem> problems, int problemCount) {

        public Result {
            entries = List.copyOf(entries);
            problems = List.copyOf(problems);
        }

        public boolean accepted() {
            return problemCount == 0;
        }

        /** A report for the operator: the problems one per line, and how many more there were. */
        public String summary() {
            if (accepted()) {
                return "imported " + entries.size() + " directory entries";
            }
            StringBuilder text = new StringBuilder("rejected: ").append(problemCount)
                    .append(problemCount == 1 ? " problem" : " problems").append(", nothing imported");
            problems.forEach(p -> text.append('\n').append(p));
            if (problemCount > problems.size()) {
                text.append("\n... and ").append(problemCount - problems.size()).append(" more");
            }
            return text.toString();
        }
    }

    /** Reads a JSON Lines directory file. */
    public static Result jsonLines(Reader in) {
        Problems problems = new Problems();
        List<DirectoryEntry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        int lineNumber = 0;
        try (BufferedReader lines = new BufferedReader(in)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                if (lineNumber == 1) {
                    line = stripBom(line);
                }
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    problems.add(lineNumber, null, "not valid JSON: " + e.getOriginalMessage());
                    continue;
                }
                if (node == null || !node.isObject()) {
                    problems.add(lineNumber, null, "must be a JSON object");
                    continue;
                }
                Map<String, Object> fields = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!field.getValue().isNull()) {
                        fields.put(field.getKey(), JSON.convertValue(field.getValue(), Object.class));
                    }
                }
                addEntry(new Line(lineNumber, fields, problems), entries, seen);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return problems.result(entries);
    }

    /** Reads a CSV directory file with a header line (see the class comment for its columns). */
    public static Result csv(Reader in) {
        Problems problems = new Problems();
        List<DirectoryEntry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try (BufferedReader lines = new BufferedReader(in)) {
            String headerLine = lines.readLine();
            if (headerLine == null) {
                problems.add(1, null, "the file is empty: a CSV directory starts with a header line");
                return problems.result(entries);
            }
            List<String> header = cells(stripBom(headerLine), 1, problems);
            if (header == null || !checkHeader(header, problems)) {
                return problems.result(entries);
            }
            int lineNumber = 1;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = cells(line, lineNumber, problems);
                if (cells == null) {
                    continue;
                }
                if (cells.size() != header.size()) {
                    problems.add(lineNumber, null, "has " + cells.size() + " cells, the header has " + header.size());
                    continue;
                }
                addEntry(new Line(lineNumber, csvFields(header, cells), problems), entries, seen);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return problems.result(entries);
    }

    private static void addEntry(Line line, List<DirectoryEntry> entries, Map<String, Integer> seen) {
        DirectoryEntry entry = line.entry();
        if (entry == null) {
            return;
        }
        Integer first = seen.putIfAbsent(entry.userId(), line.number);
        if (first != null) {
            line.problems.add(line.number, "userId", "'" + clip(entry.userId()) + "' already appears on line " + first);
        } else {
            entries.add(entry);
        }
    }

    private static boolean checkHeader(List<String> header, Problems problems) {
        int before = problems.count;
        Set<String> names = new LinkedHashSet<>();
        for (String column : header) {
            String name = column.trim();
            boolean mapColumn = (name.startsWith(FEATURE_COLUMN) && name.length() > FEATURE_COLUMN.length())
                    || (name.startsWith(PREFERENCE_COLUMN) && name.length() > PREFERENCE_COLUMN.length());
            if (!mapColumn && (!FIELDS.contains(name) || name.equals("features") || name.equals("preferences"))) {
                problems.add(1, name.isEmpty() ? null : name, name.isEmpty() ? "a column has no name"
                        : "unknown column (features go in feature.NAME columns, preferences in preference.NAME)");
            }
            if (!names.add(name)) {
                problems.add(1, name, "the column appears twice");
            }
        }
        for (String required : List.of("userId", "lat", "lon", "role")) {
            if (!names.contains(required)) {
                problems.add(1, required, "required column missing from the header");
            }
        }
        return problems.count == before;
    }

    private static Map<String, Object> csvFields(List<String> header, List<String> cells) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Map<String, Object> features = null;
        Map<String, Object> preferences = null;
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i).trim();
            String cell = cells.get(i);
            if (cell.isEmpty()) {
                continue;
            }
            if (column.startsWith(FEATURE_COLUMN)) {
                features = features == null ? new LinkedHashMap<>() : features;
                features.put(column.substring(FEATURE_COLUMN.length()), cell);
            } else if (column.startsWith(PREFERENCE_COLUMN)) {
                preferences = preferences == null ? new LinkedHashMap<>() : preferences;
                preferences.put(column.substring(PREFERENCE_COLUMN.length()), cell);
            } else {
                fields.put(column, cell);
            }
        }
        if (features != null) {
            fields.put("features", features);
        }
        if (preferences != null) {
            fields.put("preferences", preferences);
        }
        return fields;
    }

    /** Splits one CSV line (RFC 4180 quoting); null, with a problem recorded, when a quote is left open. */
    static List<String> cells(String line, int lineNumber, Problems problems) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == ',') {
                cells.add(wasQuoted ? cell.toString() : cell.toString().trim());
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && cell.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            problems.add(lineNumber, null, "a quoted cell is not closed (records must fit on one line)");
            return null;
        }
        cells.add(wasQuoted ? cell.toString() : cell.toString().trim());
        return cells;
    }

    private static String stripBom(String line) {
        return !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line;
    }

    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    /** The problems of a file: all counted, the first {@link #MAX_REPORTED} kept. */
    static final class Problems {
        final List<Problem> kept = new ArrayList<>();
        int count;

        void add(int line, String field, String message) {
            count++;
            if (kept.size() < MAX_REPORTED) {
                kept.add(new Problem(line, field, message));
            }
        }

        Result result(List<DirectoryEntry> entries) {
            return count == 0 ? new Result(entries, List.of(), 0) : new Result(List.of(), kept, count);
        }
    }

    /** One record's fields (JSON values, or CSV text) checked into an entry. */
    private static final class Line {
        private final int number;
        private final Map<String, Object> fields;
        private final Problems problems;
        private boolean bad;

        Line(int number, Map<String, Object> fields, Problems problems) {
            this.number = number;
            this.fields = fields;
            this.problems = problems;
        }

        DirectoryEntry entry() {
            for (String name : fields.keySet()) {
                if (!FIELDS.contains(name)) {
                    problem(name, "unknown field");
                }
            }
            String userId = text("userId", 128, true);
            String name = text("name", 200, false);
            String phone = text("phone", 32, false);
            if (phone != null && !PHONE.matcher(phone).matches()) {
                problem("phone", "must be a phone number: digits (spaces and dashes allowed), optionally after +");
            }
            String openId = text("wechatOpenId", 128, false);
            String nature = text("businessNature", 200, false);
            double lat = number("lat", true, -90, 90, Double.NaN);
            double lon = number("lon", true, -180, 180, Double.NaN);
            Role role = null;
            String roleText = text("role", 32, true);
            if (roleText != null) {
                role = Role.parse(roleText);
                if (role == null) {
                    problem("role", "must be supplier or buyer, got '" + clip(roleText) + "'");
                }
            }
            boolean verified = bool("verified");
            List<String> categories = list("categories");
            List<String> materials = list("materials");
            Map<String, Double> features = features();
            Map<String, String> preferences = preferences();
            double frequency = number("tradeFrequency", false, 0, Double.MAX_VALUE, 0);
            double sensitivity = number("messageSensitivity", false, 0, 1, DirectoryEntry.NEUTRAL_SENSITIVITY);
            double rate = number("conversionRate", false, 0, 1, 0);
            Instant lastDeal = instant("lastDealAt");
            int received = count("messagesReceived");
            int transactions = count("campaignTransactions");
            if (transactions > received && fields.containsKey("campaignTransactions")) {
                problem("campaignTransactions", "must not exceed messagesReceived (" + received + ")");
            }
            if (bad) {
                return null;
            }
            return new DirectoryEntry(userId, name, phone, openId, lat, lon, nature, role, verified, categories,
                    materials, features, preferences, frequency, sensitivity, lastDeal, rate, received, transactions);
        }

        private void problem(String field, String message) {
            bad = true;
            problems.add(number, field, message);
        }

        private String text(String field, int maxLength, boolean required) {
            Object value = fields.get(field);
            if (value == null) {
                if (required) {
                    problem(field, "required");
                }
                return null;
            }
            if (!(value instanceof String text)) {
                problem(field, "must be text");
                return null;
            }
            text = text.trim();
            if (text.isEmpty()) {
                if (required) {
                    problem(field, "required");
                }
                return null;
            }
            if (text.length() > maxLength) {
                problem(field, "must be at most " + maxLength + " characters");
                return null;
            }
            return text;
        }

        private double number(String field, boolean required, double min, double max, double absent) {
            Object value = fields.get(field);
            if (value == null) {
                if (required) {
                    problem(field, "required");
                }
                return absent;
            }
            Double number = toNumber(value);
            if (number == null || !Double.isFinite(number)) {
                problem(field, "must be a number");
                return absent;
            }
            if (number < min || number > max) {
                problem(field, max == Double.MAX_VALUE ? "must be ≥ " + plain(min)
                        : "must be within [" + plain(min) + ", " + plain(max) + "]");
                return absent;
            }
            return number;
        }

        private int count(String field) {
            Object value = fields.get(field);
            if (value == null) {
                return 0;
            }
            Double number = toNumber(value);
            if (number == null || number < 0 || number != Math.rint(number) || number > Integer.MAX_VALUE) {
                problem(field, "must be a whole number ≥ 0");
                return 0;
            }
            return number.intValue();
        }

        private boolean bool(String field) {
            Object value = fields.get(field);
            if (value == null) {
                return false;
            }
            if (value instanceof Boolean b) {
                return b;
            }
            if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(text);
            }
            problem(field, "must be true or false");
            return false;
        }

        private List<String> list(String field) {
            Object value = fields.get(field);
            if (value == null) {
                return List.of();
            }
            List<?> items;
            if (value instanceof String text) {
                items = List.of(text.split(";", -1));
            } else if (value instanceof List<?> list) {
                items = list;
            } else {
                problem(field, "must be a list of names");
                return List.of();
            }
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < items.size(); i++) {
                if (!(items.get(i) instanceof String item) || item.isBlank()) {
                    problem(field, "item " + (i + 1) + " must be a non-empty name");
                    return List.of();
                }
                names.add(item.trim());
            }
            return List.copyOf(names);
        }

        private Map<String, Double> features() {
            Map<String, Object> raw = map("features");
            Map<String, Double> features = new LinkedHashMap<>();
            raw.forEach((key, value) -> {
                Double number = toNumber(value);
                if (number == null || !Double.isFinite(number)) {
                    problem("feature." + key, "must be a number");
                } else {
                    features.put(key, number);
                }
            });
            return features;
        }

        private Map<String, String> preferences() {
            Map<String, Object> raw = map("preferences");
            Map<String, String> preferences = new LinkedHashMap<>();
            raw.forEach((key, value) -> {
                if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                    preferences.put(key, value.toString());
                } else {
                    problem("preference." + key, "must be text");
                }
            });
            return preferences;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> map(String field) {
            Object value = fields.get(field);
            if (value == null) {
                return Map.of();
            }
            if (!(value instanceof Map<?, ?> map)) {
                problem(field, "must be an object of named values");
                return Map.of();
            }
            for (Object key : map.keySet()) {
                if (key.toString().isBlank()) {
                    problem(field, "a name is empty");
                    return Map.of();
                }
            }
            return (Map<String, Object>) map;
        }

        private Instant instant(String field) {
            Object value = fields.get(field);
            if (value == null) {
                return null;
            }
            if (value instanceof String text) {
                try {
                    return OffsetDateTime.parse(text.trim()).toInstant();
                } catch (DateTimeParseException e) {
                    // reported below
                }
            }
            problem(field, "must be an RFC 3339 instant like 2026-10-23T08:00:00Z");
            return null;
        }

        private static Double toNumber(Object value) {
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            if (value instanceof String text) {
                try {
                    return Double.parseDouble(text.trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }

        private static String plain(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
