package dev.winback.core.dormancy;

import dev.winback.core.recall.ContactCard;
import java.time.LocalDate;
import java.util.List;

/** Port: the users filed under one dormancy day and shard (a DynamoDB GSI query in AWS). */
public interface DormantCohort {

    List<Member> members(LocalDate dormantFrom, int shard);

    record Member(String userId, LocalDate dormantFrom, ContactCard contact) {
    }
}
