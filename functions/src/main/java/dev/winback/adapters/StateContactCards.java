package dev.winback.adapters;

import dev.winback.core.geo.ContactCards;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.recall.ContactCard;
import dev.winback.core.state.UserState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Users' contact cards (withdrawn consents, time zone, locale) from the state table, one BatchGetItem
 * per 100 users through {@link DynamoStateStore}: what a campaign's final filter needs beside the
 * directory entry, read for the targets of one send task only.
 */
public final class StateContactCards implements ContactCards {

    private final StateStore states;

    /** The state table in AWS ({@link DynamoStateStore}), the in-memory store in the simulator. */
    public StateContactCards(StateStore states) {
        this.states = states;
    }

    @Override
    public Map<String, ContactCard> cards(Collection<String> userIds) {
        Map<String, String> byKey = new HashMap<>();
        userIds.forEach(id -> byKey.put(SubjectKey.user(id), id));
        Map<String, ContactCard> cards = new HashMap<>();
        for (Map.Entry<String, StoredState> stored : states.load(byKey.keySet()).entrySet()) {
            UserState user = stored.getValue().state(UserState.class);
            cards.put(byKey.get(stored.getKey()), ContactCard.of(user));
        }
        return cards;
    }
}
