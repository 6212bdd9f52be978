package dev.winback.core.geo;

import dev.winback.core.recall.ContactCard;
import java.util.Collection;
import java.util.Map;

/**
 * Port: what the recall side knows about reaching a user — withdrawn consents, time zone, locale —
 * kept from {@code consent_updated} and {@code profile_updated} events in the user's state. A campaign
 * respects the same consents and quiet hours as every other trigger; a trader who never used the app
 * has no card, and nothing withdrawn.
 */
@FunctionalInterface
public interface ContactCards {

    /** The cards of these users that exist. */
    Map<String, ContactCard> cards(Collection<String> userIds);

    ContactCards NONE = userIds -> Map.of();
}
