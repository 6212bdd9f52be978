package dev.winback.core.segments;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The policy's custom segment tags (C2, {@code segments.custom}): tag name → a CEL expression over
 * {@link SegmentFacts}' variables that must evaluate to {@code bool}. Every expression is parsed and
 * type-checked once, when the policy loads ({@link #of}); the compiled programs are cached per set
 * of definitions and evaluated on every ingest write.
 *
 * <p>An expression that fails on one user at run time (a missing map key, division by zero, an
 * unexpected profile value type) leaves that tag off for that user; the failure is counted and
 * logged once per segment and error kind, with no user data.
 */
public final class CustomSegments {

    /** No custom segments: evaluating costs nothing and CEL is never initialised. */
    public static final CustomSegments NONE = new CustomSegments(Map.of(), List.of());

    /** Tag names: lower-case words, as the built-in ones; short, since every tag is stored on the item. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    /** Each one costs every ingest write of every user. */
    static final int MAX_SEGMENTS = 32;
    static final int MAX_EXPRESSION_CHARS = 1_000;
    /** Comprehensions (exists, all, map, filter) run over small lists; this bounds a runaway one. */
    private static final int MAX_COMPREHENSION_ITERATIONS = 1_000;

    private static final System.Logger LOG = System.getLogger(CustomSegments.class.getName());
    private static final Map<Map<String, String>, CustomSegments> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 64;
    /** The last lookup: a policy passes the same Map instance on every write, so this is the usual hit. */
    private static volatile Lookup last = new Lookup(Map.of(), NONE);

    private final Map<String, String> definitions;
    private final List<Compiled> compiled;
    private final AtomicLong failures = new AtomicLong();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private CustomSegments(Map<String, String> definitions, List<Compiled> compiled) {
        this.definitions = definitions;
        this.compiled = compiled;
    }

    /**
     * The compiled segments for these definitions (tag name → expression), compiled on first use and
     * cached by content.
     *
     * @throws SegmentExpressionException naming the first segment whose name or expression is unusable
     */
    public static CustomSegments of(Map<String, String> definitions) {
        if (definitions == null || definitions.isEmpty()) {
            return NONE;
        }
        Lookup held = last;
        if (held.definitions == definitions) {
            return held.segments;
        }
        CustomSegments found = CACHE.get(definitions);
        if (found == null) {
            found = compile(definitions);
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear(); // policies are few; a process that builds many must not grow without bound
            }
            CustomSegments raced = CACHE.putIfAbsent(found.definitions, found);
            found = raced == null ? found : raced;
        }
        last = new Lookup(definitions, found);
        return found;
    }

    private record Lookup(Map<String, String> definitions, CustomSegments segments) {
    }

    private static CustomSegments compile(Map<String, String> definitions) {
        if (definitions.size() > MAX_SEGMENTS) {
            throw new SegmentExpressionException(null, null,
                    definitions.size() + " custom segments; at most " + MAX_SEGMENTS + " are allowed");
        }
        List<Compiled> programs = new ArrayList<>(definitions.size());
        for (Map.Entry<String, String> definition : new LinkedHashMap<>(definitions).entrySet()) {
            programs.add(compileOne(definition.getKey(), definition.getValue()));
        }
        return new CustomSegments(Collections.unmodifiableMap(new LinkedHashMap<>(definitions)), List.copyOf(programs));
    }

    private static Compiled compileOne(String name, String expression) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SegmentExpressionException(name, expression, "name '" + name
                    + "' must be lower-case letters, digits and '_', starting with a letter, at most 40 characters");
        }
        if (BuiltInTags.ALL.contains(name)) {
            throw new SegmentExpressionException(name, expression,
                    "name '" + name + "' is a built-in tag (" + String.join(", ", BuiltInTags.ALL.stream().sorted().toList()) + ")");
        }
        if (expression == null || expression.isBlank()) {
            throw new SegmentExpressionException(name, expression, "has no expression");
        }
        if (expression.length() > MAX_EXPRESSION_CHARS) {
            throw new SegmentExpressionException(name, expression,
                    "expression is longer than " + MAX_EXPRESSION_CHARS + " characters");
        }
        Cel cel = Environment.CEL;
        CelValidationResult result = cel.compile(expression, "segments.custom." + name);
        if (result.hasError()) {
            String error = result.getErrorString();
            String hint = error.contains("undeclared reference")
                    ? "\n(variables: " + String.join(", ", SegmentFacts.VARIABLES.keySet()) + ")" : "";
            throw new SegmentExpressionException(name, expression,
                    "expression \"" + expression + "\" does not compile:\n" + error + hint);
        }
        try {
            return new Compiled(name, cel.createProgram(result.getAst()));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new SegmentExpressionException(name, expression,
                    "expression \"" + expression + "\" cannot be planned: " + e.getMessage());
        }
    }

    public boolean isEmpty() {
        return compiled.isEmpty();
    }

    /** The custom tag names, in definition order. */
    public List<String> names() {
        return compiled.stream().map(Compiled::name).toList();
    }

    /** Run-time failures counted since these definitions were compiled (all users, all writes). */
    public long failures() {
        return failures.get();
    }

    /**
     * Evaluates every custom segment for one user and adds the tags that hold to {@code into}.
     *
     * @return how many expressions failed for this user (their tags are left off)
     */
    public int evaluate(SegmentFacts facts, Collection<String> into) {
        if (compiled.isEmpty()) {
            return 0;
        }
        Object[] profile = new Object[1]; // converted at most once per user, and only if an expression reads it
        dev.cel.runtime.CelVariableResolver variables = name -> {
            if (name.equals("profile")) {
                if (profile[0] == null) {
                    profile[0] = facts.value(name);
                }
                return Optional.of(profile[0]);
            }
            return Optional.ofNullable(facts.value(name));
        };
        int failed = 0;
        for (Compiled segment : compiled) {
            String problem;
            try {
                Object result = segment.program.eval(variables);
                if (result instanceof Boolean holds) {
                    if (holds) {
                        into.add(segment.name);
                    }
                    continue;
                }
                problem = "result is not a bool";
            } catch (CelEvaluationException e) {
                problem = String.valueOf(e.getErrorCode());
            } catch (RuntimeException e) {
                problem = e.getClass().getSimpleName();
            }
            failed++;
            failures.incrementAndGet();
            // The error kind only: CEL's message can quote a value (a phone number in the profile).
            if (logged.add(segment.name + "|" + problem)) {
                LOG.log(System.Logger.Level.WARNING, "custom segment '" + segment.name + "' failed for a user ("
                        + problem + "); its tag is left off. Later failures of this kind are counted, not logged.");
            }
        }
        return failed;
    }

    /** The definitions these programs were compiled from (tag name → expression). */
    public Map<String, String> definitions() {
        return definitions;
    }

    private record Compiled(String name, CelRuntime.Program program) {
    }

    /** Built on first use, so that a policy without custom segments never initialises CEL. */
    private static final class Environment {
        static final Cel CEL = build();

        private static Cel build() {
            var builder = CelFactory.standardCelBuilder()
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    .setOptions(CelOptions.current()
                            .enableHeterogeneousNumericComparisons(true)
                            .comprehensionMaxIterations(MAX_COMPREHENSION_ITERATIONS)
                            .build())
                    .setResultType(SimpleType.BOOL);
            SegmentFacts.VARIABLES.forEach(builder::addVar);
            return builder.build();
        }
    }
}
