package dev.winback.core.state;

import java.time.Instant;

/**
 * Service resources the recall gate (A7) reads: a zone's delivery pressure or a merchant's supply.
 * Only the newest report counts, whatever order reports arrive in.
 */
public final class OpsState extends Subject {
    public String zone;
    public Double deliveryPressure;
    public String merchantId;
    public String supply;
    public Instant updatedAt;

    @Override
    public OpsState copy() {
        OpsState copy = new OpsState();
        copyFingerprintsTo(copy);
        copy.zone = StoredForm.text(zone);
        copy.deliveryPressure = deliveryPressure;
        copy.merchantId = StoredForm.text(merchantId);
        copy.supply = StoredForm.text(supply);
        copy.updatedAt = StoredForm.instant(updatedAt);
        return copy;
    }

    /** @return true if a report stamped {@code at} is newer than what is held */
    boolean isNewer(Instant at) {
        return updatedAt == null || !at.isBefore(updatedAt);
    }

    public void reportPressure(String zone, double value, Instant at) {
        if (isNewer(at)) {
            this.zone = zone;
            this.deliveryPressure = value;
            this.updatedAt = at;
        }
    }

    public void reportSupply(String merchantId, String supply, Instant at) {
        if (isNewer(at)) {
            this.merchantId = merchantId;
            this.supply = supply;
            this.updatedAt = at;
        }
    }
}
