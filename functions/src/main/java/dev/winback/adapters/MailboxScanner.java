package dev.winback.adapters;

import dev.winback.core.dormancy.MailboxEntry;
import dev.winback.core.dormancy.MailboxRules;
import dev.winback.core.dormancy.MailboxRules.Accepted;
import dev.winback.core.dormancy.MailboxRules.Listed;
import dev.winback.core.dormancy.MailboxRules.Rejected;
import dev.winback.core.dormancy.MailboxRules.Result;
import dev.winback.core.dormancy.ReminderContent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a content mailbox that does not depend on where it lives (S3, a folder): list the drops,
 * newest first, and take the first that {@link MailboxRules} accepts, so a bad newer drop leaves the
 * previous valid content in use. The answer is cached for {@code ttl} (a dormant scan asks once per
 * user). A verdict is remembered per object version, so an object is read and parsed once, and a
 * rejection is logged once (key and reason, never content). If listing fails, the last answer is kept
 * (and logged); with no answer yet, the failure propagates and the caller retries.
 */
final class MailboxScanner {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxScanner.class);
    static final int MAX_REMEMBERED = 1_000;

    /** Where the drops are. */
    interface Store {
        /** Every object under the mailbox (ignored ones are filtered out by the scanner). */
        List<Listed> list();

        /** The object's bytes and stored content type, or null if it disappeared since it was listed. */
        Fetched fetch(Listed listed);

        /** Where the entry's attachment can be fetched (SMS, WeCom), or null. Called only for entries with one. */
        String link(MailboxEntry entry, Listed listed);
    }

    record Fetched(String contentType, byte[] bytes) {
    }

    private record Verdict(String version, Result result) {
    }

    private final String name;
    private final Store store;
    private final MailboxRules.Limits limits;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Verdict> verdicts = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verdict> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    private Optional<ReminderContent> cached;
    private Instant cachedUntil = Instant.MIN;
    private String inUse;

    MailboxScanner(String name, Store store, MailboxRules.Limits limits, Duration ttl, Clock clock) {
        this.name = name;
        this.store = store;
        this.limits = limits;
        this.ttl = ttl;
        this.clock = clock;
    }

    synchronized Optional<ReminderContent> current() {
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cachedUntil)) {
            return cached;
        }
        try {
            cached = scan();
        } catch (RuntimeException e) {
            if (cached == null) {
                throw e;
            }
            LOG.warn("content mailbox {}: cannot read it, keeping {}: {}", name,
                    cached.map(ReminderContent::source).orElse("the policy's default text"), e.toString());
        }
        cachedUntil = now.plus(ttl);
        return cached;
    }

    /** Forgets the cached answer (not the remembered verdicts): the next {@link #current()} lists again. */
    synchronized void refresh() {
        cachedUntil = Instant.MIN;
    }

    private Optional<ReminderContent> scan() {
        List<Listed> drops = store.list().stream()
                .filter(listed -> !MailboxRules.ignored(listed.key()))
                .sorted(MailboxRules.NEWEST_FIRST)
                .toList();
        for (Listed listed : drops) {
            Result result = verdict(listed);
            if (result instanceof Accepted accepted) {
                MailboxEntry entry = accepted.entry();
                String link = entry.attachment() == null ? null : store.link(entry, listed);
                forgetAcceptedExcept(listed.key());
                if (!listed.key().equals(inUse)) {
                    LOG.info("content mailbox {}: using {} ({}, text {}, attachment {})", name, listed.key(),
                            entry.kind(), entry.text() == null ? "default" : "custom",
                            entry.attachment() == null ? "none" : entry.attachment().contentType()
                                    + ", " + entry.attachment().bytes().length + " bytes");
                    inUse = listed.key();
                }
                return Optional.of(entry.toContent(link));
            }
        }
        if (inUse != null || cached == null) {
            LOG.info("content mailbox {}: no valid content among {} objects, using the policy's default text",
                    name, drops.size());
            inUse = null;
        }
        return Optional.empty();
    }

    private Result verdict(Listed listed) {
        Verdict known = verdicts.get(listed.key());
        if (known != null && known.version().equals(listed.version())) {
            return known.result();
        }
        Result result = MailboxRules.precheck(listed, limits).<Result>map(r -> r).orElse(null);
        if (result == null) {
            Fetched fetched = store.fetch(listed);
            if (fetched == null) {
                return new Rejected(listed.key(), "disappeared"); // not remembered: the next listing tells
            }
            result = MailboxRules.check(listed.key(), listed.lastModified(), fetched.contentType(), fetched.bytes(), limits);
        }
        if (result instanceof Rejected rejected) {
            LOG.warn("content mailbox {}: rejected {}: {}", name, rejected.source(), rejected.reason());
        }
        verdicts.put(listed.key(), new Verdict(listed.version(), result));
        return result;
    }

    /** Accepted entries hold their attachment's bytes; only the one in use needs to stay in memory. */
    private void forgetAcceptedExcept(String key) {
        verdicts.entrySet().removeIf(e -> !e.getKey().equals(key) && e.getValue().result() instanceof Accepted);
    }
}
