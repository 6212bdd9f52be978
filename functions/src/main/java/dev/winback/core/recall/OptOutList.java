package dev.winback.core.recall;

/** Port: phone numbers that replied STOP (the SNS opt-out list in AWS). */
public interface OptOutList {

    boolean isOptedOut(String phoneNumber);
}
