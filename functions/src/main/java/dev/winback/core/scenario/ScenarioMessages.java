package dev.winback.core.scenario;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * C3: a scenario's message in the user's language, formatted for their locale.
 *
 * <p>Templates are {@link MessageFormat} patterns keyed by locale, then by reward kind (or by a
 * reward's key such as {@code coupon:10.00} for one specific candidate). The one argument,
 * {@code {0}}, is the reward's amount as a number, so the pattern decides how it looks and the
 * user's locale supplies the symbols: {@code "{0,number,0.00} off your first order"} gives
 * {@code 5.00 off…} for {@code en}, {@code 5,00 …} for {@code de}. {@code choice} formats cover
 * simple plurals ({@code {0,choice,1#one coupon|1<{0,number,integer} coupons}}).
 *
 * <p>Why {@code java.text.MessageFormat}: it is the JDK's own template engine with locale-aware
 * number, date and choice formats, so the Lambda package and its cold start stay as they are. ICU4J's
 * MessageFormat (a superset with CLDR plural and select rules) is a 14 MB jar; the day a locale needs
 * CLDR plural categories, templates written for this class keep working there. A reward without an
 * amount (free delivery) must use a template that does not mention {@code {0}}; {@link #validate}
 * checks that, and that every pattern compiles, when the policy loads.
 *
 * <p>A message that carries no reward (a journey step that only keeps in touch) is keyed {@code text}
 * and has no argument.
 *
 * <p>MessageFormat's one trap: an apostrophe quotes text, so a literal one is written twice
 * ({@code "it''s yours"}). An odd number of lone apostrophes is reported as an error.
 */
public final class ScenarioMessages {

    public static final String DEFAULT_LOCALE = "default";
    /** The key of the template for a message without a reward. */
    public static final String TEXT = "text";

    private ScenarioMessages() {
    }

    /**
     * The message for {@code reward}: the template of the user's full locale ({@code zh-CN}), else of its
     * language ({@code zh}), else {@code default}; within a locale the reward's key before its kind. A
     * template of the user's own language is formatted with their locale, the default one with root
     * symbols.
     *
     * @param userLocale a BCP 47 tag or Java locale ({@code zh_CN}); null: the default template, root symbols
     * @param reward     null for a message without a reward: the {@link #TEXT} template
     */
    public static String render(Map<String, Map<String, String>> messages, String userLocale, ScenarioReward reward) {
        for (String candidate : localeCandidates(userLocale)) {
            String template = template(messages.get(candidate), reward);
            if (template != null) {
                // Symbols follow the text: the user's locale for a text in their language, root
                // symbols for the default text (a French user reading the Chinese default gets 5.00元, not 5,00元).
                Locale locale = DEFAULT_LOCALE.equals(candidate) ? Locale.ROOT : locale(userLocale);
                Object[] arguments = reward == null ? new Object[0] : new Object[] {reward.amount()};
                return new MessageFormat(template, locale).format(arguments);
            }
        }
        throw new IllegalArgumentException("no message template for " + (reward == null ? TEXT : reward.key())
                + " (locale " + userLocale + ")");
    }

    static String template(Map<String, Map<String, String>> messages, String userLocale, ScenarioReward reward) {
        for (String candidate : localeCandidates(userLocale)) {
            String template = template(messages.get(candidate), reward);
            if (template != null) {
                return template;
            }
        }
        return null;
    }

    private static String template(Map<String, String> byReward, ScenarioReward reward) {
        if (byReward == null) {
            return null;
        }
        if (reward == null) {
            return byReward.get(TEXT);
        }
        String template = byReward.get(reward.key());
        return template != null ? template : byReward.get(reward.kind().wireName());
    }

    /** The formatting locale: the user's, or {@link Locale#ROOT} when they have none. */
    static Locale locale(String userLocale) {
        if (userLocale == null || userLocale.isBlank()) {
            return Locale.ROOT;
        }
        return Locale.forLanguageTag(userLocale.replace('_', '-'));
    }

    private static List<String> localeCandidates(String userLocale) {
        List<String> candidates = new ArrayList<>(3);
        if (userLocale != null && !userLocale.isBlank()) {
            String tag = userLocale.replace('_', '-');
            candidates.add(tag);
            int dash = tag.indexOf('-');
            if (dash > 0) {
                candidates.add(tag.substring(0, dash));
            }
        }
        candidates.add(DEFAULT_LOCALE);
        return candidates;
    }

    /**
     * Every problem with a scenario's templates, in words (empty when there is none): a {@code default}
     * template for every candidate (for {@link #TEXT} when there are no rewards), keys that are a reward
     * kind, a reward key or {@code text}, patterns that compile, balanced apostrophes, no argument but
     * {@code {0}}, and no {@code {0}} where the reward has no amount.
     */
    public static List<String> validate(Map<String, Map<String, String>> messages, List<ScenarioReward> rewards) {
        List<String> problems = new ArrayList<>();
        if (messages == null || !messages.containsKey(DEFAULT_LOCALE)) {
            problems.add("messages need a '" + DEFAULT_LOCALE + "' locale");
            return problems;
        }
        for (Map.Entry<String, Map<String, String>> locale : messages.entrySet()) {
            String tag = locale.getKey();
            if (!DEFAULT_LOCALE.equals(tag)) {
                try {
                    new Locale.Builder().setLanguageTag(tag.replace('_', '-'));
                } catch (IllformedLocaleException e) {
                    problems.add("messages." + tag + ": not a locale (" + e.getMessage() + ")");
                }
            }
            if (locale.getValue() == null) {
                problems.add("messages." + tag + ": empty");
                continue;
            }
            for (Map.Entry<String, String> entry : locale.getValue().entrySet()) {
                String where = "messages." + tag + "." + entry.getKey();
                if (!isKey(entry.getKey())) {
                    problems.add(where + ": not a reward kind " + kinds() + ", a reward key (such as coupon:5.00) or '"
                            + TEXT + "'");
                    continue;
                }
                problems.addAll(checkPattern(where, entry.getValue()));
                if (TEXT.equals(entry.getKey()) && entry.getValue() != null && !entry.getValue().isBlank()
                        && checkPattern(where, entry.getValue()).isEmpty() && arguments(entry.getValue()) > 0) {
                    problems.add(where + ": a message without a reward has no {0}");
                }
            }
            for (ScenarioReward reward : rewards) {
                String template = template(Map.of(tag, locale.getValue()), tag, reward);
                if (template != null && reward.amount() == null && arguments(template) > 0) {
                    problems.add("messages." + tag + ": the template for " + reward.key()
                            + " mentions {0}, but that reward has no amount");
                }
            }
        }
        for (ScenarioReward reward : rewards) {
            if (template(messages, null, reward) == null) {
                problems.add("messages." + DEFAULT_LOCALE + ": no template for " + reward.key()
                        + " (key it by '" + reward.kind().wireName() + "' or '" + reward.key() + "')");
            }
        }
        if (rewards.isEmpty() && template(messages, null, null) == null) {
            problems.add("messages." + DEFAULT_LOCALE + ": no '" + TEXT + "' template (the message has no reward)");
        }
        return problems;
    }

    /** {@code text}, a reward kind ({@code coupon}) or a reward key ({@code coupon:5.00}). */
    private static boolean isKey(String key) {
        if (TEXT.equals(key)) {
            return true;
        }
        try {
            ScenarioReward.fromKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            // "coupon" alone needs an amount as a reward, yet is a valid kind key
            return java.util.Arrays.stream(RewardKind.values()).anyMatch(kind -> kind.wireName().equals(key));
        }
    }

    private static List<String> kinds() {
        return java.util.Arrays.stream(RewardKind.values()).map(RewardKind::wireName).toList();
    }

    private static List<String> checkPattern(String where, String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return List.of(where + ": empty template");
        }
        if (loneApostrophes(pattern) % 2 != 0) {
            return List.of(where + ": unbalanced apostrophe (MessageFormat quotes text between apostrophes;"
                    + " write '' for a literal one)");
        }
        try {
            if (arguments(pattern) > 1) {
                return List.of(where + ": only {0} (the amount) can be used");
            }
        } catch (IllegalArgumentException e) {
            return List.of(where + ": " + e.getMessage());
        }
        return List.of();
    }

    /** How many argument indexes the pattern uses (the highest used plus one). */
    private static int arguments(String pattern) {
        return new MessageFormat(pattern, Locale.ROOT).getFormatsByArgumentIndex().length;
    }

    private static int loneApostrophes(String pattern) {
        int count = 0;
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) == '\'') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '\'') {
                    i++; // '' is a literal apostrophe
                } else {
                    count++;
                }
            }
        }
        return count;
    }
}
