package dev.winback.local.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates template values (long form) the way CloudFormation would for what is known locally:
 * parameters, pseudo parameters and conditions. What only a deployed stack knows - the physical id of a
 * resource ({@code Ref StateTable}), an attribute ({@code Fn::GetAtt TimerQueue.Arn}) - is
 * {@link Unresolvable}, naming the reference, so the caller can ask for it by name.
 */
final class Intrinsics {

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, String> parameters;
    private final Map<String, String> pseudoParameters;
    private final JsonNode conditions;

    /**
     * @param parameters       template parameters with a value (defaults, then overrides)
     * @param pseudoParameters {@code AWS::Region}, {@code AWS::AccountId}, ... (without {@code AWS::NoValue})
     */
    Intrinsics(Map<String, String> parameters, Map<String, String> pseudoParameters, JsonNode conditions) {
        this.parameters = parameters;
        this.pseudoParameters = pseudoParameters;
        this.conditions = conditions;
    }

    /** A reference only a deployed stack can answer, e.g. "Ref StateTable" or "Fn::GetAtt TimerQueue.Arn". */
    static final class Unresolvable extends RuntimeException {
        Unresolvable(String reference) {
            super(reference, null, false, false);
        }
    }

    /** The value as a string; empty for {@code AWS::NoValue} (the property is left out). */
    Optional<String> resolve(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Optional.empty();
        }
        if (value.isValueNode()) {
            return Optional.of(value.asText());
        }
        if (value.isObject() && value.size() == 1) {
            Map.Entry<String, JsonNode> fn = value.fields().next();
            JsonNode args = fn.getValue();
            return switch (fn.getKey()) {
                case "Ref" -> ref(args.asText());
                case "Fn::GetAtt" -> throw new Unresolvable("Fn::GetAtt " + join(args, "."));
                case "Fn::Sub" -> Optional.of(sub(args));
                case "Fn::If" -> {
                    requireArray(args, 3, "Fn::If");
                    yield resolve(condition(args.get(0).asText()) ? args.get(1) : args.get(2));
                }
                case "Fn::Join" -> {
                    requireArray(args, 2, "Fn::Join");
                    yield Optional.of(String.join(args.get(0).asText(), list(args.get(1))));
                }
                case "Fn::Select" -> {
                    requireArray(args, 2, "Fn::Select");
                    List<String> items = list(args.get(1));
                    int index = Integer.parseInt(resolve(args.get(0)).orElse("0"));
                    if (index < 0 || index >= items.size()) {
                        throw new Unresolvable("Fn::Select index " + index + " out of " + items.size() + " items");
                    }
                    yield Optional.of(items.get(index));
                }
                default -> throw new Unresolvable(fn.getKey() + " (not evaluated locally)");
            };
        }
        throw new Unresolvable("a " + value.getNodeType().name().toLowerCase() + " value " + value);
    }

    /** Evaluates a named condition of the template. */
    boolean condition(String name) {
        JsonNode definition = conditions.path(name);
        if (definition.isMissingNode()) {
            throw new Unresolvable("Condition " + name + " (not in the template)");
        }
        return test(definition);
    }

    private boolean test(JsonNode expression) {
        if (expression.isBoolean()) {
            return expression.asBoolean();
        }
        if (!expression.isObject() || expression.size() != 1) {
            throw new Unresolvable("condition " + expression);
        }
        Map.Entry<String, JsonNode> fn = expression.fields().next();
        JsonNode args = fn.getValue();
        return switch (fn.getKey()) {
            case "Condition" -> condition(args.asText());
            case "Fn::Equals" -> {
                requireArray(args, 2, "Fn::Equals");
                yield resolve(args.get(0)).orElse("").equals(resolve(args.get(1)).orElse(""));
            }
            case "Fn::Not" -> !test(args.isArray() ? args.get(0) : args);
            case "Fn::And" -> {
                boolean all = true;
                for (JsonNode each : args) {
                    all &= test(each);
                }
                yield all;
            }
            case "Fn::Or" -> {
                boolean any = false;
                for (JsonNode each : args) {
                    any |= test(each);
                }
                yield any;
            }
            default -> throw new Unresolvable(fn.getKey() + " in a condition");
        };
    }

    private Optional<String> ref(String name) {
        if ("AWS::NoValue".equals(name)) {
            return Optional.empty();
        }
        if (pseudoParameters.containsKey(name)) {
            return Optional.of(pseudoParameters.get(name));
        }
        if (parameters.containsKey(name)) {
            return Optional.of(parameters.get(name));
        }
        throw new Unresolvable("Ref " + name);
    }

    /** {@code Fn::Sub}: a string, or [string, {name: value}]; {@code ${!x}} is the literal {@code ${x}}. */
    private String sub(JsonNode args) {
        String text = args.isArray() ? args.path(0).asText() : args.asText();
        JsonNode variables = args.isArray() ? args.path(1) : null;
        Matcher m = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables != null && variables.has(name)) {
                replacement = resolve(variables.get(name)).orElse("");
            } else if (name.contains(".")) {
                throw new Unresolvable("Fn::GetAtt " + name);
            } else {
                replacement = ref(name).orElse("");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private List<String> list(JsonNode node) {
        if (node.isObject() && node.has("Fn::Split")) {
            JsonNode args = node.get("Fn::Split");
            requireArray(args, 2, "Fn::Split");
            return List.of(resolve(args.get(1)).orElse("").split(Pattern.quote(args.get(0).asText()), -1));
        }
        if (!node.isArray()) {
            throw new Unresolvable("a list from " + node);
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : node) {
            resolve(item).ifPresent(items::add);
        }
        return items;
    }

    private static void requireArray(JsonNode args, int size, String function) {
        if (!args.isArray() || args.size() != size) {
            throw new Unresolvable(function + " needs " + size + " arguments, got " + args);
        }
    }

    private static String join(JsonNode args, String separator) {
        if (!args.isArray()) {
            return args.asText();
        }
        List<String> parts = new ArrayList<>();
        for (Iterator<JsonNode> it = args.elements(); it.hasNext(); ) {
            parts.add(it.next().asText());
        }
        return String.join(separator, parts);
    }
}
