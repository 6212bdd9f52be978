package dev.winback.core.state;

import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The user's current app session: what A2/A3 need to judge order intent when a timer fires.
 * {@code watchedEnteredAt} holds, per watched page kind, when the user last entered it (A9: one
 * pending timer per page kind; re-entry restarts it).
 */
public final class Session {
    public String id;
    public Instant startedAt;
    public int pagesViewed;
    public String lastPage;
    public boolean leftApp;
    public Instant leftAt;
    public boolean converted;
    public SortedMap<String, Instant> watchedEnteredAt = new TreeMap<>();

    /** For {@link UserState#copy}: as a store's round trip gives it back. */
    Session copy() {
        Session copy = new Session();
        copy.id = StoredForm.text(id);
        copy.startedAt = StoredForm.instant(startedAt);
        copy.pagesViewed = pagesViewed;
        copy.lastPage = StoredForm.text(lastPage);
        copy.leftApp = leftApp;
        copy.leftAt = StoredForm.instant(leftAt);
        copy.converted = converted;
        copy.watchedEnteredAt = new TreeMap<>(watchedEnteredAt);
        copy.watchedEnteredAt.entrySet().forEach(entered -> entered.setValue(StoredForm.instant(entered.getValue())));
        return copy;
    }

    static Session startingAt(String id, Instant at) {
        Session session = new Session();
        session.id = id;
        session.startedAt = at;
        return session;
    }
}
