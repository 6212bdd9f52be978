#!/usr/bin/env python3
"""Writes Winback's sample event files from the readable event lists below.

    python3 events/make_events.py            # (re)write the files next to this script
    python3 events/make_events.py --check    # exit 1 if a file differs from what this script writes;
                                             # also checks every sample against
                                             # schema/behavior-event.schema.json when the
                                             # `jsonschema` package is importable

Files written (all deterministic, standard library only):
  kinesis-batch.json       a Lambda Kinesis event: a normal mix of user and ops events
  kinesis-duplicates.json  one event delivered twice in the batch (producer retry) + normal ones
  kinesis-poison.json      good records mixed with every kind of bad record the ingest quarantines
  kinesis-orders.json      what ConversionFunction's filtered mapping delivers: order_placed records only
                           (one in the window of a scenario message, one held-out user's, one a day too
                           late, a producer retry, and a malformed order the function skips)
  trace-demo.jsonl         one day (2026-11-21) of behavior for 8 users, one event per line
  sqs-deadline-timer.json       a Lambda SQS event for DeadlineCheckFunction: two due deadline
                                timers from the users of kinesis-batch.json
  sqs-deadline-poison.json      a good timer with a body that is not JSON and one without userId
  sqs-deadline-redelivered.json the same timer twice (sent twice, both received a second time)
  sqs-journey-step.json         the onboarding journey's day-1 step for u-1001 of kinesis-batch.json, as its
                                EventBridge Scheduler at() schedule delivers it to the timer queue, twice
  scheduler-dormant-scan.json   what the DormantScanSchedule (EventBridge Scheduler, Lambda target)
                                passes to DormantScanFunction: template.yaml's Input with
                                <aws.scheduler.scheduled-time> filled in (2026-11-29 10:00 Asia/Shanghai)
  sqs-dormant-shard.json        a Lambda SQS event for DormantShardFunction: one shard of that run
  sqs-deferred-reminder.json    a Lambda SQS event for DormantShardFunction: a reminder deferred past
                                quiet hours, delivered to ReminderQueue by a one-time schedule
  dynamodb-state-changes.json   a Lambda DynamoDB Streams event for SegmentChangesFunction: the state
                                table's writes (NEW_AND_OLD_IMAGES, only the attributes the function
                                reads): a new user, a user whose tags changed, one whose tags did not,
                                and an ops subject

Each record carries an expectation used by --check: "ok" (valid against the schema and
accepted), "bad: <why>" (fails the schema), or "late: <why>" (valid against the schema but
quarantined by the ingest function's arrival-time check, which a schema cannot express).
Timer messages are checked by the rules of TimerMessage/Timer (functions/.../core/recall):
a good body has exactly the six fields in order and its timerId is the one derived from
(userId, page, enteredAt); a bad body is not JSON or lacks a required field; md5OfBody
matches the body and no message timer is delayed more than 900 s.
The orders sample is checked against ConversionFunction's FilterCriteria in template.yaml: the
pattern must be {"data": {"type": [...order_placed...]}} and every record's data must match it.
Dormant-scan samples are checked the same way: the scan payload is the template's Input with the
placeholder replaced, a shard is 0..15 of a yyyy-mm-dd run day, and a reminder's decisionId is the
one derived from (userId, cohortDay, reminder).
Geo campaigns (D1-D8), checked likewise against template.yaml:
  kinesis-directory.json        what DirectoryFunction's filtered mapping delivers: traders' profiles (an
                                entry started, a yard moved), an app user's profile (ignored), and the
                                read, click and deal of a campaign message; every record passes the filter
  eventbridge-site-campaign.json  campaign c-1023 as the CampaignFunction rule delivers it (source and
                                detail-type match the rule's pattern; the detail decodes as a site_campaign)
  function-url-site-campaign.json the same campaign POSTed to the IAM-authorized function URL (payload 2.0)
  sqs-campaign-send.json        one send task of c-1023 for CampaignSendFunction (three targets)
  s3-import.json                directory-import.csv uploaded under imports/ (the key matches an S3 filter
                                of ImportFunction)
  directory-import.csv          twenty traders around the Benxi depot, for ./winback import
(DormantShardFunction's mailbox has no S3 sample: it lists mailbox/ when it runs.)
Phone numbers and e-mail addresses are fictional (example.com, +86 138 0000 ....).
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE.parent / "template.yaml"
SCHEMA = HERE / "schema" / "behavior-event.schema.json"

ACCOUNT = "123456789012"
REGION = "us-east-1"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/winback-dev-BehaviorStream-EXAMPLE"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/winback-dev-IngestFunctionRole-EXAMPLE"
CONVERSION_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/winback-dev-ConversionFunctionRole-EXAMPLE"
SHARD = "shardId-000000000000"
# A 56-digit Kinesis sequence number; later records add multiples of STEP (still 56 digits).
SEQ_BASE = 49_657_135_792_145_337_041_946_813_203_426_119_487_238_452_739_911_385_090
SEQ_STEP = 7_813_298_114_027_561_984


def ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


OPS_KEYS = {"delivery_pressure": "zone", "merchant_supply": "merchantId", "site_campaign": "siteId"}


class Events:
    """Builds behavior events with readable, unique event ids (evt-<prefix>-NNN)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.n = 0

    def next_id(self) -> str:
        self.n += 1
        return f"evt-{self.prefix}-{self.n:03d}"

    def __call__(self, at: str, type_: str, user: str | None = None, session: str | None = None, **fields):
        event = {"eventId": self.next_id(), "type": type_}
        if user is not None:
            event["userId"] = user
        event["occurredAt"] = at
        if session is not None:
            event["sessionId"] = session
        event.update(fields)
        return event


def partition_key(event: dict) -> str:
    return event.get("userId") or event.get(OPS_KEYS.get(event.get("type"), ""), "unknown")


# --------------------------------------------------------------------------- Kinesis events

def record(payload, at: str, expect: str = "ok", key: str | None = None, lag: float = 2.4):
    """One stream record: payload is an event dict, a JSON value, or raw bytes/str (poison).

    `at` is when the producer sent it; approximateArrivalTimestamp is `lag` seconds later."""
    if isinstance(payload, (bytes, str)):
        data = payload.encode() if isinstance(payload, str) else payload
    else:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    if key is None:
        key = partition_key(payload) if isinstance(payload, dict) else "u-unknown"
    return {"data": data, "at": ts(at) + timedelta(seconds=lag), "key": key, "expect": expect}


def kinesis_event(records: list[dict], first: int, role: str = ROLE_ARN) -> dict:
    """Sequence numbers continue across the sample files (batch, then duplicates, then poison:
    `first` is the record index to start at), as they would on one shard, so that replaying the
    files in that order never looks like a redelivery to a per-user high-water mark."""
    out = []
    last = None
    for i, rec in enumerate(sorted(records, key=lambda r: r["at"])):
        arrival = rec["at"]
        if last is not None and arrival <= last:
            arrival = last + timedelta(milliseconds=150)
        last = arrival
        seq = str(SEQ_BASE + (first + i) * SEQ_STEP)
        assert len(seq) == 56, seq
        out.append({
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": rec["key"],
                "sequenceNumber": seq,
                "data": base64.b64encode(rec["data"]).decode(),
                "approximateArrivalTimestamp": round(arrival.timestamp(), 3),
                "encryptionType": "KMS",
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": f"{SHARD}:{seq}",
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": role,
            "awsRegion": REGION,
            "eventSourceARN": STREAM_ARN,
        })
        rec["seq"] = seq
    return {"Records": out}


def batch_records() -> list[dict]:
    """A normal batch: three users and two ops signals, 2026-11-22 around 09:00 Asia/Shanghai."""
    e = Events("b")
    a, b, c = "s-1001-a", "s-1002-a", "s-1003-a"
    events = [
        e("2026-11-22T01:00:00Z", "register", "u-1001", a, channel="appstore"),
        e("2026-11-22T01:00:02Z", "app_open", "u-1001", a),
        e("2026-11-22T01:00:15Z", "profile_updated", "u-1001", a, name="Lin Wei", phone="+8613800001001",
          email="u1001@example.com", timezone="Asia/Shanghai", locale="zh-CN", zone="zone-sh-01"),
        e("2026-11-22T01:00:40Z", "login", "u-1002", b),
        e("2026-11-22T01:00:41Z", "app_open", "u-1002", b),
        e("2026-11-22T01:01:05Z", "page_enter", "u-1001", a, page="merchant", merchantId="m-17"),
        e("2026-11-22T01:01:10Z", "page_enter", "u-1002", b, page="product", merchantId="m-23", itemId="i-2301"),
        e("2026-11-22T01:01:30Z", "cart_add", "u-1002", b, itemId="i-2301", price="42.00", quantity=1,
          merchantId="m-23"),
        e("2026-11-22T01:01:45Z", "cart_add", "u-1002", b, itemId="i-2302", price="18.50", quantity=2,
          merchantId="m-23"),
        e("2026-11-22T01:01:50Z", "page_enter", "u-1001", a, page="product", merchantId="m-17", itemId="i-1701"),
        e("2026-11-22T01:02:10Z", "cart_add", "u-1001", a, itemId="i-1701", price=30.0, quantity=2,
          merchantId="m-17"),
        e("2026-11-22T01:02:20Z", "cart_remove", "u-1002", b, itemId="i-2302", quantity=1),
        e("2026-11-22T01:02:40Z", "page_enter", "u-1002", b, page="order"),
        e("2026-11-22T01:03:00Z", "order_placed", "u-1002", b, orderId="o-1002-1", amount="55.50",
          discount="5.00", couponId="c-1002-1", merchantId="m-23",
          address="Room 1203, 88 Example Road, Pudong, Shanghai"),
        e("2026-11-22T01:03:10Z", "page_enter", "u-1001", a, page="order"),
        e("2026-11-22T01:03:20Z", "delivery_pressure", zone="zone-sh-01", value=0.35),
        e("2026-11-22T01:03:30Z", "login", "u-1003", c),
        e("2026-11-22T01:03:45Z", "consent_updated", "u-1003", c, channel="sms", optedIn=False),
        e("2026-11-22T01:04:00Z", "merchant_supply", merchantId="m-23", status="tight"),
    ]
    return [record(ev, ev["occurredAt"]) for ev in events]


def duplicate_records() -> list[dict]:
    """The producer retried one PutRecord: the same event (same eventId, same bytes) arrives twice."""
    e = Events("d")
    s = "s-1001-b"
    cart_add = e("2026-11-22T02:00:40Z", "cart_add", "u-1001", s, itemId="i-1702", price="38.00", quantity=1,
                 merchantId="m-17")
    events = [
        e("2026-11-22T02:00:00Z", "app_open", "u-1001", s),
        e("2026-11-22T02:00:20Z", "page_enter", "u-1001", s, page="product", merchantId="m-17", itemId="i-1702"),
        cart_add,
        e("2026-11-22T02:00:50Z", "login", "u-1002", "s-1002-b"),
        e("2026-11-22T02:01:10Z", "page_enter", "u-1001", s, page="order"),
    ]
    records = [record(ev, ev["occurredAt"]) for ev in events]
    # The retry lands 2.5 s after the first copy, with its own (later) sequence number.
    records.append(record(cart_add, cart_add["occurredAt"], "ok (duplicate of evt-d-003: no effect)", lag=4.9))
    return records


def poison_records() -> list[dict]:
    """Good records mixed with one of each kind of record the ingest function quarantines."""
    e = Events("p")
    good1 = e("2026-11-22T03:00:00Z", "app_open", "u-1001", "s-1001-c")
    not_json_id = e.next_id()
    as_array = e("2026-11-22T03:00:10Z", "login", "u-1002", "s-1002-c")
    no_event_id = e("2026-11-22T03:00:15Z", "login", "u-1002", "s-1002-c")
    del no_event_id["eventId"]
    good2 = e("2026-11-22T03:00:20Z", "login", "u-1002", "s-1002-c")
    unknown_type = e("2026-11-22T03:00:25Z", "teleport", "u-1002", "s-1002-c", destination="moon")
    bad_time = e("2026-11-22T03:00:30Z", "login", "u-1003", "s-1003-c")
    bad_time["occurredAt"] = "22/11/2026 03:00:30"
    # Sent 03:00:35 and arrives 03:00:38, but claims to have happened 10 minutes after arriving.
    future = e("2026-11-22T03:10:38Z", "app_open", "u-1003", "s-1003-c")
    no_price = e("2026-11-22T03:00:40Z", "cart_add", "u-1001", "s-1001-c", itemId="i-1701", quantity=1)
    zero_qty = e("2026-11-22T03:00:45Z", "cart_add", "u-1001", "s-1001-c", itemId="i-1701", price="30.00",
                 quantity=0)
    long_user = e("2026-11-22T03:00:50Z", "login", "u-" + "x" * 198)
    good3 = e("2026-11-22T03:00:55Z", "cart_add", "u-1001", "s-1001-c", itemId="i-1701", price="30.00",
              quantity=1, merchantId="m-17")
    good4 = e("2026-11-22T03:01:00Z", "delivery_pressure", zone="zone-sh-02", value=0.5)
    truncated = ('{"eventId":"%s","type":"login","userId":"u-1002","occurredAt":"2026-11-22T03:00:05Z"'
                 % not_json_id)
    return [
        record(good1, good1["occurredAt"]),
        record(truncated, "2026-11-22T03:00:05Z", "bad: not valid JSON (truncated object)", key="u-1002"),
        record([as_array], "2026-11-22T03:00:10Z", "bad: a JSON array, not an object", key="u-1002"),
        record(no_event_id, "2026-11-22T03:00:15Z", "bad: eventId missing", key="u-1002"),
        record(good2, good2["occurredAt"]),
        record(unknown_type, "2026-11-22T03:00:25Z", "bad: unknown type 'teleport'"),
        record(bad_time, "2026-11-22T03:00:30Z", "bad: occurredAt is not an RFC 3339 instant"),
        record(future, "2026-11-22T03:00:35Z", "late: occurredAt is 10 minutes after the record arrived", lag=3.0),
        record(no_price, "2026-11-22T03:00:40Z", "bad: cart_add without price"),
        record(zero_qty, "2026-11-22T03:00:45Z", "bad: cart_add with quantity 0"),
        record(long_user, "2026-11-22T03:00:50Z", "bad: userId is 200 characters (max 128)"),
        record(good3, good3["occurredAt"]),
        record(good4, good4["occurredAt"]),
    ]


def order_records() -> list[dict]:
    """Orders as ConversionFunction receives them: its mapping's filter passes order_placed only.
    The stories (decisions as the handler test seeds them in the ledger table):

    u-1001  registered 01:00:00Z (kinesis-batch.json); the new_no_order scenario message went at
            01:30:00Z; orders 98.00 with a 5.00 discount at 02:03:30Z -> attributed to the message,
            one conversion for its reward. The producer retried that PutRecord: the copy changes
            nothing.
    u-1003  drawn into the scenario's holdout at 01:33:30Z; orders at 03:30:00Z -> attributed to the
            holdout touch (counted for uplift, not for the bandit).
    u-1002  a recall went at 2026-11-22T08:30:00Z; orders on 11-23 at 09:00:00Z, 24.5 h later ->
            outside the 24 h window, unattributed.
    Plus an order_placed without an amount: it passes the filter, the function skips it (the ingest
    function quarantines the same record)."""
    e = Events("o")
    u1001 = e("2026-11-22T02:03:30Z", "order_placed", "u-1001", "s-1001-b", orderId="o-1001-1", amount="98.00",
              discount="5.00", couponId="c-1001-1", merchantId="m-17",
              address="Room 502, 16 Example Street, Jing'an, Shanghai")
    u1003 = e("2026-11-22T03:30:00Z", "order_placed", "u-1003", "s-1003-d", orderId="o-1003-1", amount="25.00",
              merchantId="m-23", address="Unit 9, 3 Example Alley, Minhang, Shanghai")
    no_amount = e("2026-11-22T03:45:00Z", "order_placed", "u-1003", "s-1003-d", orderId="o-1003-2")
    late = e("2026-11-23T09:00:00Z", "order_placed", "u-1002", "s-1002-e", orderId="o-1002-2", amount="42.00",
             merchantId="m-23", address="Room 1203, 88 Example Road, Pudong, Shanghai")
    return [
        record(u1001, u1001["occurredAt"], "ok: attributed to u-1001's scenario message"),
        record(u1001, u1001["occurredAt"], "ok (duplicate of evt-o-001: no effect)", lag=5.1),
        record(u1003, u1003["occurredAt"], "ok: attributed to u-1003's holdout touch"),
        record(no_amount, no_amount["occurredAt"], "bad: order_placed without amount"),
        record(late, late["occurredAt"], "ok: 24.5 h after u-1002's last touch, unattributed"),
    ]


def order_filter() -> tuple[str | None, str | None]:
    """(ConversionFunction's FilterCriteria pattern as written in template.yaml, or None; a problem)"""
    if not TEMPLATE.exists():
        return None, "template.yaml not found"
    text = TEMPLATE.read_text(encoding="utf-8")
    start = text.find("\n  ConversionFunction:\n")
    if start < 0:
        return None, "no ConversionFunction in template.yaml"
    found = re.search(r"FilterCriteria:\s*\n\s*Filters:\s*\n\s*- Pattern: '([^']*)'", text[start:])
    if not found:
        return None, "ConversionFunction's mapping has no FilterCriteria pattern"
    return found.group(1), None


def check_order_filter(name: str, event: dict) -> list[str]:
    """The pattern lets order_placed records through, and every record of the sample matches it."""
    pattern_text, problem = order_filter()
    if problem:
        return [f"{name}: {problem}"]
    try:
        pattern = json.loads(pattern_text)
        types = pattern["data"]["type"]
    except (ValueError, KeyError, TypeError):
        return [f"{name}: the FilterCriteria pattern is not {{\"data\": {{\"type\": [...]}}}}: {pattern_text}"]
    problems = []
    if set(pattern) != {"data"} or set(pattern["data"]) != {"type"} or "order_placed" not in types:
        problems.append(f"{name}: the FilterCriteria pattern must select on data.type only, including order_placed")
    for n, rec in enumerate(event["Records"], 1):
        try:
            data = json.loads(base64.b64decode(rec["kinesis"]["data"]))
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("type") not in types:
            problems.append(f"{name} #{n}: the mapping's filter would drop this record")
    return problems


# --------------------------------------------------------------------------- demo trace

def trace_lines() -> list[tuple[str, str, str]]:
    """(sort key, line, expectation) for one day, 2026-11-21, all between 08:00 and 22:00 in
    Asia/Shanghai (00:00-14:00 UTC) so no story runs into quiet hours. The stories:

    u-alice  registers 17:30 local, opens merchant m-17 at 17:35, adds 30.00 + 38.00 (cart 68.00),
             enters the order page at 17:35:40 and stalls there: the 45 s order timer (her first to
             fall due) finds low intent and a high cart value; zone pressure 0.3, m-17 sufficient
             -> recall, 6.80 coupon by SMS. She leaves the app at 17:39:30.
    u-bob    three morning/afternoon sessions ordering 18 s, 21 s, 19 s after entering the order
             page (3 conversions -> personal timer ~17 s), then a fourth quick order at 12 s.
    u-carol  registers, browses, leaves, never orders (new_no_order after 30 min).
    u-dave   four orders in the day, 120 + 180 + 150 + 90 = 540.00 (high_value, high_frequency),
             one with a coupon.
    u-erin   opts out of SMS, then leaves a cart.
    u-frank  lives in London: logs in once (00:20 UTC, past midnight for him, so his in-session
             deadline falls in his quiet hours) and never comes back; the 10:00 Shanghai dormant
             scan is 02:00 in London, so his reminders wait for 08:00 London.
    u-grace  stalls on the order page with 55.00 after zone-sh-01 pressure rose to 0.9 -> the
             recall is suppressed by the delivery-pressure gate.
    u-heidi  stalls with a 60.00 m-17 cart after m-17 turned tight -> suppressed by the supply gate.
    Plus three bad lines (not JSON, unknown type, missing userId) and one exact duplicate line.
    """
    e = Events("t")
    events = []

    def add(*args, **kwargs):
        ev = e(*args, **kwargs)
        events.append(ev)
        return ev

    day = "2026-11-21T"
    # ops signals
    add(day + "00:00:00Z", "delivery_pressure", zone="zone-sh-01", value=0.3)
    add(day + "00:00:01Z", "delivery_pressure", zone="zone-sh-02", value=0.2)
    add(day + "00:00:05Z", "merchant_supply", merchantId="m-17", status="sufficient")
    add(day + "00:00:06Z", "merchant_supply", merchantId="m-23", status="sufficient")

    # u-frank: one early login
    s = "s-frank-1"
    add(day + "00:20:00Z", "login", "u-frank", s)
    add(day + "00:20:02Z", "app_open", "u-frank", s)
    add(day + "00:20:10Z", "profile_updated", "u-frank", s, name="Frank", email="frank@example.com",
        timezone="Europe/London", locale="en-GB", zone="zone-sh-02")
    add(day + "00:21:30Z", "page_enter", "u-frank", s, page="home")
    add(day + "00:23:00Z", "app_leave", "u-frank", s)

    # u-bob: learned time-to-order
    def bob_session(n, start, item, price, seconds_to_order, first=False):
        sid = f"s-bob-{n}"
        t0 = ts(day + start + "Z")

        def at(sec):
            return iso(t0 + timedelta(seconds=sec))
        if first:
            add(at(0), "login", "u-bob", sid)
        add(at(1), "app_open", "u-bob", sid)
        if first:
            add(at(3), "profile_updated", "u-bob", sid, name="Bob", phone="+8613800002002",
                pushEndpoint="arn:aws:sns:us-east-1:123456789012:endpoint/GCM/winback-demo/bob",
                timezone="Asia/Shanghai", locale="zh-CN", zone="zone-sh-01")
        add(at(10), "page_enter", "u-bob", sid, page="home")
        add(at(30), "page_enter", "u-bob", sid, page="merchant", merchantId="m-23")
        add(at(60), "cart_add", "u-bob", sid, itemId=item, price=price, quantity=1, merchantId="m-23")
        add(at(80), "page_enter", "u-bob", sid, page="order")
        order = f"o-bob-{n}"
        add(at(80 + seconds_to_order), "order_placed", "u-bob", sid, orderId=order, amount=price,
            merchantId="m-23", address="Flat 5, 12 Example Lane, Xuhui, Shanghai")
        add(at(80 + seconds_to_order + 20), "app_leave", "u-bob", sid)
        add(at(80 + seconds_to_order + 1800), "order_completed", "u-bob", orderId=order)

    bob_session(1, "01:10:00", "i-2301", "42.00", 18, first=True)
    bob_session(2, "04:05:00", "i-2303", "35.50", 21)
    bob_session(3, "06:30:00", "i-2301", "42.00", 19)
    bob_session(4, "11:00:00", "i-2304", "28.00", 12)

    # u-dave: high value, high frequency
    def dave_order(n, start, item, price, discount=None, coupon=None, first=False):
        sid = f"s-dave-{n}"
        t0 = ts(day + start + "Z")

        def at(sec):
            return iso(t0 + timedelta(seconds=sec))
        if first:
            add(at(0), "login", "u-dave", sid)
        add(at(1), "app_open", "u-dave", sid)
        if first:
            add(at(4), "profile_updated", "u-dave", sid, name="Dave", phone="+8613800004004",
                email="dave@example.com", timezone="Asia/Shanghai", locale="zh-CN", zone="zone-sh-01")
        add(at(20), "page_enter", "u-dave", sid, page="merchant", merchantId="m-17")
        add(at(50), "cart_add", "u-dave", sid, itemId=item, price=price, quantity=1, merchantId="m-17")
        add(at(70), "page_enter", "u-dave", sid, page="order")
        extra = {}
        if discount:
            extra = {"discount": discount, "couponId": coupon}
        order = f"o-dave-{n}"
        add(at(95), "order_placed", "u-dave", sid, orderId=order, amount=price, merchantId="m-17",
            address="Unit 9, 301 Example Avenue, Jing'an, Shanghai", **extra)
        if coupon:
            add(at(96), "coupon_used", "u-dave", sid, couponId=coupon, orderId=order)
        add(at(110), "app_leave", "u-dave", sid)
        add(at(95 + 2400), "order_completed", "u-dave", orderId=order)

    dave_order(1, "01:30:00", "i-1710", "120.00", first=True)
    dave_order(2, "03:45:00", "i-1711", "180.00")
    dave_order(3, "07:10:00", "i-1712", "150.00", discount="10.00", coupon="c-dave-7")
    dave_order(4, "10:20:00", "i-1713", "90.00")

    # u-carol: registered, never orders
    s = "s-carol-1"
    add(day + "02:00:00Z", "register", "u-carol", s, channel="wechat-miniprogram")
    add(day + "02:00:02Z", "app_open", "u-carol", s)
    add(day + "02:00:30Z", "profile_updated", "u-carol", s, name="Carol", email="carol@example.com",
        timezone="Asia/Shanghai", locale="zh-CN", zone="zone-sh-02")
    add(day + "02:01:00Z", "page_enter", "u-carol", s, page="home")
    add(day + "02:02:00Z", "page_enter", "u-carol", s, page="merchant", merchantId="m-23")
    add(day + "02:03:10Z", "page_leave", "u-carol", s, page="merchant", merchantId="m-23")
    add(day + "02:03:30Z", "app_leave", "u-carol", s)

    # u-erin: opts out of SMS
    s = "s-erin-1"
    add(day + "03:00:00Z", "login", "u-erin", s)
    add(day + "03:00:02Z", "app_open", "u-erin", s)
    add(day + "03:00:20Z", "profile_updated", "u-erin", s, name="Erin", phone="+8613800005005",
        timezone="Asia/Shanghai", locale="en-GB", zone="zone-sh-01")
    add(day + "03:01:00Z", "consent_updated", "u-erin", s, channel="sms", optedIn=False)
    add(day + "03:01:30Z", "page_enter", "u-erin", s, page="home")
    add(day + "03:02:00Z", "page_enter", "u-erin", s, page="product", merchantId="m-17", itemId="i-1703")
    add(day + "03:02:40Z", "cart_add", "u-erin", s, itemId="i-1703", price="25.00", quantity=2, merchantId="m-17")
    add(day + "03:03:30Z", "page_leave", "u-erin", s, page="product", merchantId="m-17", itemId="i-1703")
    add(day + "03:05:00Z", "app_leave", "u-erin", s)

    # u-alice: stalls on the order page with 68.00 in the cart
    s = "s-alice-1"
    add(day + "09:30:00Z", "register", "u-alice", s, channel="appstore")
    add(day + "09:30:02Z", "app_open", "u-alice", s)
    add(day + "09:30:20Z", "profile_updated", "u-alice", s, name="Alice", phone="+8613800001111",
        email="alice@example.com", timezone="Asia/Shanghai", locale="zh-CN", zone="zone-sh-01")
    # She opens the merchant from a promotion (no home page) and reaches the order page within 45 s
    # of it, so the order page's 45 s timer is the first of her timers to fall due.
    add(day + "09:35:00Z", "page_enter", "u-alice", s, page="merchant", merchantId="m-17")
    add(day + "09:35:05Z", "click", "u-alice", s, target="product-card", merchantId="m-17", itemId="i-1701")
    add(day + "09:35:06Z", "page_enter", "u-alice", s, page="product", merchantId="m-17", itemId="i-1701")
    alice_add = add(day + "09:35:15Z", "cart_add", "u-alice", s, itemId="i-1701", price="30.00", quantity=1,
                    merchantId="m-17")
    add(day + "09:35:20Z", "page_enter", "u-alice", s, page="product", merchantId="m-17", itemId="i-1702")
    add(day + "09:35:28Z", "cart_add", "u-alice", s, itemId="i-1702", price="38.00", quantity=1, merchantId="m-17")
    add(day + "09:35:40Z", "page_enter", "u-alice", s, page="order")
    add(day + "09:39:30Z", "app_leave", "u-alice", s)

    # the evening rush: zone-sh-01 saturates, then m-17 runs short
    add(day + "11:50:00Z", "delivery_pressure", zone="zone-sh-01", value=0.9)

    s = "s-grace-1"
    add(day + "12:00:00Z", "login", "u-grace", s)
    add(day + "12:00:02Z", "app_open", "u-grace", s)
    add(day + "12:00:15Z", "profile_updated", "u-grace", s, name="Grace", phone="+8613800007007",
        timezone="Asia/Shanghai", locale="zh-CN", zone="zone-sh-01")
    add(day + "12:01:00Z", "page_enter", "u-grace", s, page="merchant", merchantId="m-23")
    add(day + "12:02:00Z", "cart_add", "u-grace", s, itemId="i-2305", price="55.00", quantity=1, merchantId="m-23")
    add(day + "12:03:00Z", "page_enter", "u-grace", s, page="order")
    add(day + "12:05:00Z", "app_leave", "u-grace", s)

    add(day + "12:20:00Z", "merchant_supply", merchantId="m-17", status="tight")

    s = "s-heidi-1"
    add(day + "12:30:00Z", "login", "u-heidi", s)
    add(day + "12:30:02Z", "app_open", "u-heidi", s)
    add(day + "12:30:20Z", "profile_updated", "u-heidi", s, name="Heidi", wecomId="heidi.w",
        email="heidi@example.com", timezone="Asia/Shanghai", locale="zh-CN", zone="zone-sh-02")
    add(day + "12:31:00Z", "page_enter", "u-heidi", s, page="merchant", merchantId="m-17")
    add(day + "12:32:00Z", "cart_add", "u-heidi", s, itemId="i-1705", price="60.00", quantity=1, merchantId="m-17")
    add(day + "12:33:00Z", "page_enter", "u-heidi", s, page="order")
    add(day + "12:35:00Z", "app_leave", "u-heidi", s)

    add(day + "13:30:00Z", "delivery_pressure", zone="zone-sh-01", value=0.4)

    def line(ev):
        return json.dumps(ev, ensure_ascii=False)

    rows = [(ev["occurredAt"], i, line(ev), "ok") for i, ev in enumerate(events)]
    # The exact same line again right after the original: a producer retry.
    rows.append((alice_add["occurredAt"], events.index(alice_add) + 0.5, line(alice_add),
                 "ok (duplicate of %s: no effect)" % alice_add["eventId"]))
    bad_json = ('{"eventId": "%s", "type": "login", "userId": "u-frank", "occurredAt": "2026-11-21T05:00:00Z"'
                % e.next_id())
    rows.append((day + "05:00:00Z", -1, bad_json, "bad: not valid JSON (truncated object)"))
    rows.append((day + "08:00:00Z", -1, line(e(day + "08:00:00Z", "teleport", "u-carol", destination="moon")),
                 "bad: unknown type 'teleport'"))
    rows.append((day + "09:00:00Z", -1, line(e(day + "09:00:00Z", "login")), "bad: userId missing"))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(r[0], r[2], r[3]) for r in rows]


# --------------------------------------------------------------------------- SQS deadline timers
#
# There is no scheduler-deadline-timer.json: deadlines over 15 minutes are EventBridge Scheduler
# at() schedules whose target is the same TimerQueue with the same message body, so
# DeadlineCheckFunction always receives an SQS event of the shape below; only the SenderId (the
# SchedulerRole session instead of the IngestFunction's) and SentTimestamp (the due time instead of
# the arming time) differ.

TIMER_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:winback-dev-TimerQueue-EXAMPLE"
# SenderId of a message sent by a role session: "<role unique id>:<session name>"; a Lambda
# function's session is named after the function.
INGEST_SENDER_ID = "AROAEXAMPLEINGESTROLE:winback-dev-IngestFunction-EXAMPLE"
MESSAGE_ID_NAMESPACE = uuid.UUID("5a1e7b9c-3d4f-4e2a-9b6c-7d8e9f0a1b2c")
TIMER_FIELDS = ("kind", "timerId", "userId", "page", "enteredAt", "dueAt")
MAX_DELAY_SECONDS = 900
# IngestFunction handles a record about 0.75 s after Kinesis received it (2.4 s after the event,
# see record()); a timer is sent then, with DelaySeconds rounded up to whole seconds.
INGEST_LATENCY = timedelta(seconds=2.4 + 0.75)


def millis(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def timer_id(user: str, page: str, entered_at: str) -> str:
    """As Timer.id(): "dl-" + the first 12 bytes of SHA-256(userId \n page \n enteredAt millis)."""
    digest = hashlib.sha256(f"{user}\n{page}\n{millis(ts(entered_at))}".encode("utf-8")).digest()
    return "dl-" + digest[:12].hex()


def timer(user: str, page: str, entered_at: str, due_at: str) -> dict:
    return {"kind": "deadline", "timerId": timer_id(user, page, entered_at), "userId": user, "page": page,
            "enteredAt": entered_at, "dueAt": due_at}


def timer_body(fields: dict) -> str:
    """Compact JSON in field order, as TimerMessage.toJson writes it."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def timer_message(body: str, entered_at: str, due_at: str, expect: str = "ok", receive_count: int = 1,
                  sent_offset: float = 0.0, receive_lag: float = 0.04, received_at: datetime | None = None):
    """One SQS message timer armed by IngestFunction for a page_enter at `entered_at`.

    It is sent INGEST_LATENCY (+ sent_offset) after the event, with DelaySeconds = the whole
    seconds up to `due_at`, and first received `receive_lag` s after it becomes visible;
    `received_at` overrides the first receive time (a later delivery)."""
    sent = ts(entered_at) + INGEST_LATENCY + timedelta(seconds=sent_offset)
    delay = max(0, math.ceil((ts(due_at) - sent).total_seconds()))
    first_receive = sent + timedelta(seconds=delay + receive_lag)
    return {"body": body, "sent": sent, "delay": delay, "first_receive": first_receive,
            "receive_count": receive_count, "expect": expect}


def receipt_handle(message_id: str, receive_count: int) -> str:
    """Opaque and different for every receive, as on SQS (only its look matters here)."""
    seed = f"{message_id}/{receive_count}".encode()
    blob = b"".join(hashlib.sha512(seed + bytes([i])).digest() for i in range(4))
    return "AQEB" + base64.b64encode(blob).decode()[:340]


def sqs_event(name: str, messages: list[dict], queue_arn: str = TIMER_QUEUE_ARN,
              sender_id: str = INGEST_SENDER_ID) -> dict:
    """The event Lambda's SQS event source mapping passes to the function."""
    out = []
    for n, msg in enumerate(messages, 1):
        message_id = str(uuid.uuid5(MESSAGE_ID_NAMESPACE, f"{name}#{n}"))
        out.append({
            "messageId": message_id,
            "receiptHandle": receipt_handle(message_id, msg["receive_count"]),
            "body": msg["body"],
            "attributes": {
                "ApproximateReceiveCount": str(msg["receive_count"]),
                "SentTimestamp": str(millis(msg["sent"])),
                "SenderId": sender_id,
                "ApproximateFirstReceiveTimestamp": str(millis(msg["first_receive"])),
            },
            "messageAttributes": {},
            "md5OfBody": hashlib.md5(msg["body"].encode("utf-8")).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": REGION,
        })
    return {"Records": out}


# The two order-page timers of kinesis-batch.json (order page: 45 s).
U1001_ORDER = timer("u-1001", "order", "2026-11-22T01:03:10Z", "2026-11-22T01:03:55Z")
U1002_ORDER = timer("u-1002", "order", "2026-11-22T01:02:40Z", "2026-11-22T01:03:25Z")


def deadline_timer_messages() -> list[dict]:
    """Two due timers from kinesis-batch.json.

    u-1001 entered the order page at 01:03:10 with 60.00 in the cart (i-1701, 2 x 30.00) and
    neither ordered nor left the app: low intent, high value -> recall (coupon + push/SMS).
    u-1002 entered the order page at 01:02:40 and ordered at 01:03:00: the order cancelled the
    timer, so its check is a no-op."""
    return [
        timer_message(timer_body(U1001_ORDER), U1001_ORDER["enteredAt"], U1001_ORDER["dueAt"],
                      "ok: u-1001 stalled on the order page with a 60.00 cart -> recall"),
        timer_message(timer_body(U1002_ORDER), U1002_ORDER["enteredAt"], U1002_ORDER["dueAt"],
                      "ok: u-1002 ordered at 01:03:00Z before the deadline -> no-op", receive_lag=0.06),
    ]


def deadline_poison_messages() -> list[dict]:
    """One good timer between two bad bodies; the bad ones are reported and go to the DLQ after
    their retries, the good one is checked."""
    truncated = timer_body(timer("u-1003", "home", "2026-11-22T01:03:40Z", "2026-11-22T01:04:40Z"))
    truncated = truncated[:truncated.index(',"dueAt"')]
    no_user = timer("u-1002", "product", "2026-11-22T01:01:10Z", "2026-11-22T01:02:40Z")
    del no_user["userId"]
    return [
        timer_message(truncated, "2026-11-22T01:03:40Z", "2026-11-22T01:04:40Z",
                      "bad: body is not JSON (truncated object)"),
        timer_message(timer_body(U1001_ORDER), U1001_ORDER["enteredAt"], U1001_ORDER["dueAt"],
                      "ok: u-1001 stalled on the order page with a 60.00 cart -> recall", receive_lag=0.02),
        timer_message(timer_body(no_user), "2026-11-22T01:01:10Z", "2026-11-22T01:02:40Z",
                      "bad: userId missing"),
    ]


def deadline_redelivered_messages() -> list[dict]:
    """The u-1001 timer twice in one batch: IngestFunction sent it twice (its Kinesis batch was
    retried, so two SQS messages with different ids and the same body), the first deliveries
    failed (for example a timeout after the coupon was written), and both come back together after
    TimerQueue's 120 s visibility timeout (ApproximateReceiveCount 2, ApproximateFirstReceiveTimestamp
    still the first delivery). However often it arrives: one decision, one coupon, one send."""
    body = timer_body(U1001_ORDER)
    first = timer_message(body, U1001_ORDER["enteredAt"], U1001_ORDER["dueAt"],
                          "ok: u-1001 -> recall (exactly once)", receive_count=2)
    again = timer_message(body, U1001_ORDER["enteredAt"], U1001_ORDER["dueAt"],
                          "ok: same timer sent again -> no second effect", receive_count=2,
                          sent_offset=0.85, receive_lag=0.02)
    return [first, again]


# The onboarding journey (config/policy.yaml) of u-1001, who registered at 01:00:00Z in kinesis-batch.json:
# its day-1 step waits P1DT1H from the registration. A wait that long is armed by IngestFunction as a
# one-time EventBridge Scheduler at() schedule, which puts the same timer body on TimerQueue when due.
U1001_ONBOARDING_DAY1 = timer("u-1001", "journey:onboarding:day1", "2026-11-22T01:00:00Z", "2026-11-23T02:00:00Z")


def scheduled_timer_message(body: str, due_at: str, expect: str, sent_offset: float = 0.8,
                            receive_lag: float = 0.05, receive_count: int = 1) -> dict:
    """A timer put on the queue by its at() schedule `sent_offset` s after the due time (no delay)."""
    sent = ts(due_at) + timedelta(seconds=sent_offset)
    return {"body": body, "sent": sent, "delay": 0, "first_receive": sent + timedelta(seconds=receive_lag),
            "receive_count": receive_count, "expect": expect}


def journey_step_messages() -> list[dict]:
    """u-1001's day-1 onboarding step, twice: the schedule's target retried a SendMessage whose answer was
    lost, so two messages with the same body. u-1001 has not ordered and has not opted out: one welcome
    message (the step has no reward) goes out, the day-3 step is armed, and the second copy finds the
    journey already past day 1 -- a silent no-op."""
    body = timer_body(U1001_ONBOARDING_DAY1)
    return [
        scheduled_timer_message(body, U1001_ONBOARDING_DAY1["dueAt"],
                                "ok: u-1001 onboarding day 1 -> message, day 3 armed"),
        scheduled_timer_message(body, U1001_ONBOARDING_DAY1["dueAt"],
                                "ok: the same step again -> no-op", sent_offset=1.6, receive_lag=0.03),
    ]


def check_timer_messages(name: str, messages: list[dict], event: dict) -> list[str]:
    """Good bodies parse as TimerMessage.fromJson would accept them and carry the derived timerId;
    bad ones are not JSON or lack a required field."""
    problems = []
    for n, (msg, rec) in enumerate(zip(messages, event["Records"]), 1):
        where = f"{name} #{n}"
        if rec["md5OfBody"] != hashlib.md5(rec["body"].encode("utf-8")).hexdigest():
            problems.append(f"{where}: md5OfBody does not match the body")
        if not 0 <= msg["delay"] <= MAX_DELAY_SECONDS:
            problems.append(f"{where}: DelaySeconds {msg['delay']} outside 0..{MAX_DELAY_SECONDS}")
        try:
            body = json.loads(rec["body"])
        except ValueError:
            body = None
        required_ok = (isinstance(body, dict) and body.get("kind") == "deadline"
                       and all(isinstance(body.get(f), str) for f in ("userId", "page", "enteredAt", "dueAt")))
        if msg["expect"].startswith("bad"):
            if required_ok:
                problems.append(f"{where}: expected a bad timer ({msg['expect']}) but the body is valid")
            continue
        if not required_ok or tuple(body) != TIMER_FIELDS:
            problems.append(f"{where}: body is not {{{', '.join(TIMER_FIELDS)}}} in that order")
            continue
        if body["timerId"] != timer_id(body["userId"], body["page"], body["enteredAt"]):
            problems.append(f"{where}: timerId is not derived from userId, page and enteredAt")
        if not ts(body["enteredAt"]) < ts(body["dueAt"]):
            problems.append(f"{where}: dueAt is not after enteredAt")
        if millis(ts(body["dueAt"])) > int(rec["attributes"]["ApproximateFirstReceiveTimestamp"]):
            problems.append(f"{where}: received before it was due")
    return problems


# --------------------------------------------------------------------------- dormant-user reminders
#
# DormantScanSchedule (template.yaml) invokes DormantScanFunction's `live` alias with its Input,
# the <aws.scheduler.scheduled-time> placeholder replaced; Lambda gets exactly that JSON.
# The function sends one {"kind":"dormant_shard",...} message per index shard to ScanShardQueue;
# DormantShardFunction reminds that shard's users, and a reminder that falls in the user's quiet
# hours becomes a one-time schedule that later sends {"kind":"reminder",...} to ReminderQueue.

SCAN_SHARD_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:winback-dev-ScanShardQueue-EXAMPLE"
REMINDER_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:winback-dev-ReminderQueue-EXAMPLE"
SCAN_SENDER_ID = "AROAEXAMPLESCANROLE:winback-dev-DormantScanFunction-EXAMPLE"
# A schedule sends with a session of its execution role (SchedulerRole).
SCHEDULER_SENDER_ID = "AROAEXAMPLESCHEDULERROLE:EXAMPLE0scheduler0session"
SCHEDULED_TIME_PLACEHOLDER = "<aws.scheduler.scheduled-time>"
SCAN_TIME = "2026-11-29T02:00:00Z"          # 10:00 Asia/Shanghai, the default cron
SCAN_RUN_DAY = "2026-11-29"
SHARDS = 16
SHARD_FIELDS = ("kind", "runDay", "shard")
REMINDER_FIELDS = ("kind", "userId", "decisionId", "cohortDay", "reminder", "notBefore")


def scan_input() -> str | None:
    """The DormantScanSchedule target's Input, read from template.yaml (None if not found)."""
    if not TEMPLATE.exists():
        return None
    found = re.search(r"^\s*Input: '(\{\"kind\":\"dormant_scan\".*\})'\s*$", TEMPLATE.read_text(encoding="utf-8"),
                      re.MULTILINE)
    return found.group(1) if found else None


def dormant_scan_payload() -> str:
    """Exactly what Lambda receives from the schedule (the template's Input is checked against it)."""
    return json.dumps({"kind": "dormant_scan", "scheduledTime": SCAN_TIME}, separators=(",", ":"))


def check_scan_payload(text: str) -> list[str]:
    problems = []
    template_input = scan_input()
    if template_input is None:
        problems.append("scheduler-dormant-scan.json: no DormantScanSchedule Input found in template.yaml")
    elif template_input.replace(SCHEDULED_TIME_PLACEHOLDER, SCAN_TIME) != text.rstrip("\n"):
        problems.append("scheduler-dormant-scan.json: not the template's Input with scheduledTime " + SCAN_TIME)
    return problems


def decision_id(user: str, cohort_day: str, reminder: int) -> str:
    """"dm-" + the first 12 bytes of SHA-256(userId \n cohortDay \n reminder)."""
    digest = hashlib.sha256(f"{user}\n{cohort_day}\n{reminder}".encode("utf-8")).digest()
    return "dm-" + digest[:12].hex()


def compact(fields: dict) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def dormant_shard_messages() -> list[dict]:
    """Shard 7 of the 2026-11-29 run, sent by DormantScanFunction ~1.2 s after the schedule fired."""
    sent = ts(SCAN_TIME) + timedelta(seconds=1.2)
    body = compact({"kind": "dormant_shard", "runDay": SCAN_RUN_DAY, "shard": 7})
    return [{"body": body, "sent": sent, "delay": 0, "first_receive": sent + timedelta(seconds=0.05),
             "receive_count": 1, "expect": "ok: query cohort 2026-11-29#07 and remind its users"}]


def deferred_reminder_messages() -> list[dict]:
    """u-1003's first reminder (reminder 0) of the cohort that became dormant on 2026-11-29,
    deferred to the end of quiet hours: the one-time schedule fired at notBefore and sent it."""
    fields = {"kind": "reminder", "userId": "u-1003", "decisionId": decision_id("u-1003", "2026-11-29", 0),
              "cohortDay": "2026-11-29", "reminder": 0, "notBefore": "2026-11-29T00:00:00Z"}
    sent = ts(fields["notBefore"]) + timedelta(seconds=0.8)
    return [{"body": compact(fields), "sent": sent, "delay": 0, "first_receive": sent + timedelta(seconds=0.04),
             "receive_count": 1, "expect": "ok: send u-1003's reminder 0 now (once per decision and channel)"}]


def check_dormant_messages(name: str, messages: list[dict], event: dict) -> list[str]:
    problems = []
    for n, (msg, rec) in enumerate(zip(messages, event["Records"]), 1):
        where = f"{name} #{n}"
        if rec["md5OfBody"] != hashlib.md5(rec["body"].encode("utf-8")).hexdigest():
            problems.append(f"{where}: md5OfBody does not match the body")
        try:
            body = json.loads(rec["body"])
        except ValueError:
            problems.append(f"{where}: body is not JSON")
            continue
        kind = body.get("kind") if isinstance(body, dict) else None
        if kind == "dormant_shard":
            if tuple(body) != SHARD_FIELDS:
                problems.append(f"{where}: body is not {{{', '.join(SHARD_FIELDS)}}} in that order")
            elif not (isinstance(body["shard"], int) and 0 <= body["shard"] < SHARDS):
                problems.append(f"{where}: shard is not 0..{SHARDS - 1}")
            elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(body["runDay"])):
                problems.append(f"{where}: runDay is not yyyy-mm-dd")
        elif kind == "reminder":
            if tuple(body) != REMINDER_FIELDS:
                problems.append(f"{where}: body is not {{{', '.join(REMINDER_FIELDS)}}} in that order")
            elif body["decisionId"] != decision_id(body["userId"], body["cohortDay"], body["reminder"]):
                problems.append(f"{where}: decisionId is not derived from userId, cohortDay and reminder")
            elif millis(ts(body["notBefore"])) > int(rec["attributes"]["SentTimestamp"]):
                problems.append(f"{where}: sent before notBefore")
        else:
            problems.append(f"{where}: unknown kind {kind!r}")
    return problems


# --------------------------------------------------------------------------- geo campaigns (D1-D8)
#
# The Benxi depot (site-bx) launches purchase campaign c-1023 for scrap steel (废钢) within 30 km,
# at 2026-10-23T00:30:00Z (08:30 in Shanghai). The same campaign fields arrive through each of
# CampaignFunction's doors: an EventBridge event and a function-URL request (and a site_campaign
# record on the stream). DirectoryFunction keeps the traders' entries and learns from feedback.

DIRECTORY_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/winback-dev-DirectoryFunctionRole-EXAMPLE"
CAMPAIGN_SEND_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:winback-dev-CampaignSendQueue-EXAMPLE"
CAMPAIGN_SENDER_ID = "AROAEXAMPLECAMPAIGNROLE:winback-dev-CampaignFunction-EXAMPLE"
IMPORT_BUCKET = "winback-imports-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
CAMPAIGN_LAUNCH = "2026-10-23T00:30:00Z"
CAMPAIGN = {
    "campaignId": "c-1023", "kind": "purchase", "siteId": "site-bx", "siteName": "辽宁吉和源本溪溪湖中心基地",
    "lat": 41.33, "lon": 123.76, "radiusKm": 30, "categories": ["废钢"], "materials": ["重废一", "钢筋切粒"],
    "prices": [{"material": "重废一", "price": "3200", "change": "-30"},
               {"material": "钢筋切粒", "price": "2830", "change": "40"}],
    "link": "https://example.com/p/1023", "priceDate": "2026-10-23", "locale": "zh-CN",
}
CAMPAIGN_TEXT = "10月23日辽宁吉和源本溪溪湖中心基地:重废一3200跌30、钢筋切粒2830涨40,详见:https://example.com/p/1023"
SEND_TASK_FIELDS = ("kind", "campaignId", "siteId", "siteName", "priceDate", "launchedAt", "text", "link", "task",
                    "tasks", "notBefore", "targets")


def message_id(campaign: str, user: str) -> str:
    """The campaign message id every channel carries and feedback names (CampaignMessageIds)."""
    return f"campaign:{campaign}:{user}"


def directory_records() -> list[dict]:
    """What DirectoryFunction's filtered mapping delivers, 2026-10-23 (times UTC):

    u-2001  a verified scrap-steel supplier 6 km from the depot: its first profile starts its entry,
            a later one moves its yard 9 km (its placement moves to another cell).
    u-2002  an unverified supplier (SMS and phone calls only).
    u-2003  already in the directory and sent c-1023's message at 00:31 (the handler test records
            that send): reads it, clicks it, and sells 32 t of 重废一 to the depot -> sensitivity,
            last deal, conversion rate and the engagement move; the read is repeated by a producer
            retry (no effect).
    u-2004  an app user's profile without a role: not the directory's.
    u-2001  reads a recall message (not a campaign's): nothing to learn."""
    e = Events("g")
    u2001 = e("2026-10-23T00:05:00Z", "profile_updated", "u-2001", name="本溪鑫达再生资源", phone="+8613800002001",
              wechatOpenId="oBx2001-example", role="supplier", lat=41.2905, lon=123.8231, businessNature="回收站",
              verified=True, categories=["废钢"], materials=["重废一"], features={"monthlyTons": 120, "yearsTrading": 8},
              tradeFrequency=6)
    u2002 = e("2026-10-23T00:06:00Z", "profile_updated", "u-2002", name="溪湖废旧物资", phone="+8613800002002",
              role="supplier", lat=41.3702, lon=123.6518, verified=False, categories=["废钢", "废铜"],
              features={"monthlyTons": 40})
    app = e("2026-10-23T00:07:00Z", "profile_updated", "u-2004", name="Lin", timezone="Asia/Shanghai",
            locale="zh-CN")
    moved = e("2026-10-23T00:10:00Z", "profile_updated", "u-2001", lat=41.2102, lon=123.8710)
    read = e("2026-10-23T00:40:00Z", "message_read", "u-2003", messageId=message_id("c-1023", "u-2003"))
    recall = e("2026-10-23T00:41:00Z", "message_read", "u-2001", messageId="dl-3f2a9c1e07b4d5a6")
    clicked = e("2026-10-23T00:42:30Z", "message_clicked", "u-2003", messageId=message_id("c-1023", "u-2003"))
    deal = e("2026-10-23T03:15:00Z", "transaction", "u-2003", amount="102400.00", siteId="site-bx",
             messageId=message_id("c-1023", "u-2003"))
    return [
        record(u2001, u2001["occurredAt"], "ok: u-2001's entry starts (role), placed under supplier#废钢#<cell>"),
        record(u2002, u2002["occurredAt"], "ok: u-2002's entry starts, placed under two categories"),
        record(app, app["occurredAt"], "ok: no role, no entry: ignored"),
        record(moved, moved["occurredAt"], "ok: u-2001 moves 9 km: its placement moves"),
        record(read, read["occurredAt"], "ok: u-2003 reads c-1023's message"),
        record(read, read["occurredAt"], "ok (duplicate of evt-g-005: no effect)", lag=4.1),
        record(recall, recall["occurredAt"], "ok: a recall's message: ignored"),
        record(clicked, clicked["occurredAt"], "ok: u-2003 clicks it"),
        record(deal, deal["occurredAt"], "ok: u-2003's deal attributed to c-1023"),
    ]


def filter_of(function: str, event_name: str) -> tuple[str | None, str | None]:
    """(the FilterCriteria pattern of a function's Kinesis mapping in template.yaml, or None; a problem)"""
    if not TEMPLATE.exists():
        return None, "template.yaml not found"
    text = TEMPLATE.read_text(encoding="utf-8")
    start = text.find(f"\n  {function}:\n")
    if start < 0:
        return None, f"no {function} in template.yaml"
    at = text.find(f"\n        {event_name}:\n", start)
    if at < 0:
        return None, f"no {event_name} mapping on {function}"
    found = re.search(r"FilterCriteria:\s*\n\s*Filters:\s*\n\s*- Pattern: '([^']*)'", text[at:])
    if not found:
        return None, f"{function}'s {event_name} mapping has no FilterCriteria pattern"
    return found.group(1), None


def check_stream_filter(name: str, event: dict, function: str, event_name: str, required: set[str]) -> list[str]:
    """The mapping's pattern selects on data.type only, lets `required` through, and passes every record."""
    pattern_text, problem = filter_of(function, event_name)
    if problem:
        return [f"{name}: {problem}"]
    try:
        types = json.loads(pattern_text)["data"]["type"]
    except (ValueError, KeyError, TypeError):
        return [f"{name}: {function}'s pattern is not {{\"data\": {{\"type\": [...]}}}}: {pattern_text}"]
    problems = []
    if not required <= set(types):
        problems.append(f"{name}: {function}'s filter must let {sorted(required)} through")
    for n, rec in enumerate(event["Records"], 1):
        data = json.loads(base64.b64decode(rec["kinesis"]["data"]))
        if data.get("type") not in types:
            problems.append(f"{name} #{n}: {function}'s filter would drop this record")
    return problems


def eventbridge_campaign() -> dict:
    """What the CampaignFunction rule delivers for `aws events put-events` of c-1023."""
    return {"version": "0", "id": "3f1b9a56-0c2d-4e8f-9a7b-5c6d7e8f9a01", "detail-type": "site_campaign",
            "source": "winback.campaigns", "account": ACCOUNT, "time": CAMPAIGN_LAUNCH, "region": REGION,
            "resources": [], "detail": CAMPAIGN}


def function_url_campaign() -> dict:
    """A SigV4-signed POST of c-1023's fields to CampaignFunction's URL (payload format 2.0)."""
    url_id = "abcdefghijklmnopqrstuvwxyz012345"
    body = json.dumps(CAMPAIGN, ensure_ascii=False, separators=(",", ":"))
    caller = "AROAEXAMPLELAUNCHERROLE:site-bx-backend"
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": "/", "rawQueryString": "",
        "headers": {"content-type": "application/json", "content-length": str(len(body.encode())),
                    "host": f"{url_id}.lambda-url.{REGION}.on.aws", "x-amz-date": "20261023T003000Z",
                    "x-amzn-trace-id": "Root=1-6a1b2c3d-0123456789abcdef01234567", "user-agent": "awscurl/0.36"},
        "requestContext": {
            "accountId": ACCOUNT, "apiId": url_id,
            "authorizer": {"iam": {"accessKey": "ASIAEXAMPLEKEYID0001", "accountId": ACCOUNT, "callerId": caller,
                                   "cognitoIdentity": None, "principalOrgId": None,
                                   "userArn": f"arn:aws:sts::{ACCOUNT}:assumed-role/site-launcher/site-bx-backend",
                                   "userId": caller}},
            "domainName": f"{url_id}.lambda-url.{REGION}.on.aws", "domainPrefix": url_id,
            "http": {"method": "POST", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.10",
                     "userAgent": "awscurl/0.36"},
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "routeKey": "$default", "stage": "$default",
            "time": "23/Oct/2026:00:30:00 +0000", "timeEpoch": millis(ts(CAMPAIGN_LAUNCH)),
        },
        "body": body, "isBase64Encoded": False,
    }


def campaign_as_event(fields: dict, event_id: str) -> bytes:
    """The behavior event CampaignFunction decodes a request into (type, eventId and occurredAt added)."""
    event = {"eventId": event_id, "type": "site_campaign", "occurredAt": CAMPAIGN_LAUNCH}
    event.update(fields)
    return json.dumps(event, ensure_ascii=False).encode()


def check_launch_samples(bridge: dict, url: dict) -> list[str]:
    """The EventBridge sample matches the rule's pattern in template.yaml; the URL request is a POST."""
    problems = []
    text = TEMPLATE.read_text(encoding="utf-8") if TEMPLATE.exists() else ""
    rule = re.search(r"LaunchEvents:\s*\n\s*Type: EventBridgeRule.*?source:\s*\n\s*- ([\w.]+)\s*\n\s*detail-type:\s*\n"
                     r"\s*- (\w+)", text, re.DOTALL)
    if not rule:
        problems.append("eventbridge-site-campaign.json: no LaunchEvents rule pattern on CampaignFunction")
    elif (bridge["source"], bridge["detail-type"]) != rule.groups():
        problems.append("eventbridge-site-campaign.json: source/detail-type do not match the rule's pattern")
    if url["requestContext"]["http"]["method"] != "POST" or json.loads(url["body"]) != CAMPAIGN:
        problems.append("function-url-site-campaign.json: not a POST of the campaign's fields")
    if "FunctionUrlConfig:\n        AuthType: AWS_IAM" not in text:
        problems.append("function-url-site-campaign.json: CampaignFunction's URL is not AuthType AWS_IAM")
    return problems


def campaign_send_messages() -> list[dict]:
    """One task of c-1023 as CampaignFunction fans it out (50 targets at most; three here):
    u-2001 verified (SMS, WeChat, in-app), u-2002 unverified (SMS, call task), u-2003 unverified
    and opted out of SMS (call task only) - as the handler test seeds their entries and consents."""
    targets = [{"userId": "u-2001", "distanceKm": 14.219, "matchScore": 0.731, "cluster": 3},
               {"userId": "u-2002", "distanceKm": 10.384, "matchScore": 0.502, "cluster": 1},
               {"userId": "u-2003", "distanceKm": 4.127, "matchScore": 0.668, "cluster": 3}]
    body = compact({"kind": "campaign_send", "campaignId": "c-1023", "siteId": "site-bx",
                    "siteName": CAMPAIGN["siteName"], "priceDate": "2026-10-23", "launchedAt": CAMPAIGN_LAUNCH,
                    "text": CAMPAIGN_TEXT, "link": CAMPAIGN["link"], "task": 1, "tasks": 1, "notBefore": None,
                    "targets": targets})
    sent = ts(CAMPAIGN_LAUNCH) + timedelta(seconds=3.2)
    return [{"body": body, "sent": sent, "delay": 0, "first_receive": sent + timedelta(seconds=0.05),
             "receive_count": 1, "expect": "ok: send c-1023's message to three targets, every channel once"}]


def check_send_messages(name: str, messages: list[dict], event: dict) -> list[str]:
    problems = []
    for n, rec in enumerate(event["Records"], 1):
        body = json.loads(rec["body"])
        if tuple(body) != SEND_TASK_FIELDS:
            problems.append(f"{name} #{n}: body is not {{{', '.join(SEND_TASK_FIELDS)}}} in that order")
            continue
        users = [t["userId"] for t in body["targets"]]
        if not 0 < len(users) <= 50 or len(set(users)) != len(users) or not 1 <= body["task"] <= body["tasks"]:
            problems.append(f"{name} #{n}: a task holds 1..50 distinct targets and task is 1..tasks")
        if body["text"] != CAMPAIGN_TEXT:
            problems.append(f"{name} #{n}: text is not c-1023's message")
    return problems


def s3_import_event() -> dict:
    """S3's notification of directory-import.csv uploaded under imports/ of the import bucket."""
    key = "imports/directory-2026-10-23.csv"
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION, "eventTime": "2026-10-23T00:12:00.000Z",
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AROAEXAMPLEUPLOADERROLE:crm-export"},
        "requestParameters": {"sourceIPAddress": "203.0.113.20"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "ImportFunctionCsvFiles",
               "bucket": {"name": IMPORT_BUCKET, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                          "arn": f"arn:aws:s3:::{IMPORT_BUCKET}"},
               "object": {"key": key, "size": len(directory_csv().encode()), "eTag": hashlib.md5(directory_csv().encode()).hexdigest(),
                          "sequencer": "0065A2B3C4D5E6F708"}},
    }]}


def check_import_event(event: dict) -> list[str]:
    """The key is under a prefix and suffix ImportFunction's S3 notifications in template.yaml select."""
    text = TEMPLATE.read_text(encoding="utf-8") if TEMPLATE.exists() else ""
    rules = re.findall(r"- Name: prefix\s*\n\s*Value: ([^\s]+)\s*\n\s*- Name: suffix\s*\n\s*Value: ([^\s]+)", text)
    key = event["Records"][0]["s3"]["object"]["key"]
    if not any(key.startswith(p) and key.endswith(s) for p, s in rules):
        return [f"s3-import.json: {key} matches none of ImportFunction's S3 filters {rules}"]
    return []


def directory_rows() -> list[dict]:
    """Twenty traders around the Benxi depot for `./winback import` and the import handler test."""
    rows = []
    for n in range(20):
        angle = math.radians(n * 47 % 360)
        km = 3 + (n * 7) % 40
        lat = 41.33 + km / 111.2 * math.cos(angle)
        lon = 123.76 + km / (111.2 * math.cos(math.radians(41.33))) * math.sin(angle)
        rows.append({
            "userId": f"u-3{n:03d}", "name": f"本溪回收站{n + 1:02d}", "phone": f"+86138000030{n:02d}",
            "wechatOpenId": f"oBx3{n:03d}-example" if n % 3 != 2 else "",
            "lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "role": "buyer" if n % 10 == 9 else "supplier",
            "verified": "true" if n % 3 != 2 else "false",
            "categories": "废钢;废铜" if n % 4 == 0 else "废钢", "materials": "重废一" if n % 2 == 0 else "",
            "tradeFrequency": str(2 + n % 7), "messageSensitivity": f"{0.3 + (n % 5) * 0.12:.2f}",
            "lastDealAt": f"2026-{9 + n % 2:02d}-{1 + n:02d}T08:00:00Z", "feature.monthlyTons": str(20 + 11 * n),
        })
    return rows


def directory_csv() -> str:
    rows = directory_rows()
    columns = list(rows[0])
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(row[c] for c in columns))
    return "\n".join(lines) + "\n"


def render_geo() -> dict[str, tuple[str, list[str]]]:
    """file name -> (text, problems): the geo-campaign samples other than the Kinesis batch."""
    files = {}
    bridge, url = eventbridge_campaign(), function_url_campaign()
    files["eventbridge-site-campaign.json"] = (json.dumps(bridge, indent=2, ensure_ascii=False) + "\n",
                                               check_launch_samples(bridge, url))
    files["function-url-site-campaign.json"] = (json.dumps(url, indent=2, ensure_ascii=False) + "\n", [])
    messages = campaign_send_messages()
    event = sqs_event("sqs-campaign-send.json", messages, CAMPAIGN_SEND_QUEUE_ARN, CAMPAIGN_SENDER_ID)
    files["sqs-campaign-send.json"] = (json.dumps(event, indent=2, ensure_ascii=False) + "\n",
                                       check_send_messages("sqs-campaign-send.json", messages, event))
    s3 = s3_import_event()
    files["s3-import.json"] = (json.dumps(s3, indent=2) + "\n", check_import_event(s3))
    files["directory-import.csv"] = (directory_csv(), [])
    return files


# --------------------------------------------------------------------------- output & checks

STATE_STREAM_ARN = ("arn:aws:dynamodb:us-east-1:123456789012:table/winback-dev-StateTable-1A2B3C4D5E6F/"
                    "stream/2026-11-01T00:00:00.000")


def state_change_event() -> dict:
    """SegmentChangesFunction's input. Images carry pk, version and tags; the state body is left out."""
    def image(pk: str, version: int, tags: list[str] | None) -> dict:
        item = {"pk": {"S": pk}, "version": {"N": str(version)}}
        if tags:
            item["tags"] = {"SS": tags}
        return item

    writes = [  # (event, pk, old version/tags, new tags, at)
        ("INSERT", "user#u-1001", None, ["new_no_order"], "2026-11-22T01:00:03Z"),
        ("MODIFY", "user#u-1002", (7, ["dormant", "high_frequency"]), ["high_frequency", "high_value"],
         "2026-11-22T01:03:01Z"),
        ("MODIFY", "user#u-1003", (3, ["high_frequency"]), ["high_frequency"], "2026-11-22T01:03:31Z"),
        ("MODIFY", "zone#zone-sh-01", (12, None), None, "2026-11-22T01:03:21Z"),
    ]
    records = []
    for n, (name, pk, old, new_tags, at) in enumerate(writes):
        change = {
            "ApproximateCreationDateTime": int(ts(at).timestamp()),
            "Keys": {"pk": {"S": pk}},
            "NewImage": image(pk, (old[0] + 1) if old else 1, new_tags),
            "SequenceNumber": str(4100000000000000000000 + n * 1000),
            "SizeBytes": 180,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
        if old:
            change["OldImage"] = image(pk, old[0], old[1])
        records.append({
            "eventID": hashlib.md5(f"{pk}{at}".encode()).hexdigest(),
            "eventName": name,
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": change,
            "eventSourceARN": STATE_STREAM_ARN,
        })
    return {"Records": records}


def render() -> dict[str, tuple[str, list[tuple[bytes, str]]]]:
    """file name -> (text, [(payload bytes, expectation)]) for the behavior-event files; the timer
    files are in render_timers()."""
    files = {}
    for name, make, first in (("kinesis-batch.json", batch_records, 0),
                              ("kinesis-duplicates.json", duplicate_records, 1000),
                              ("kinesis-poison.json", poison_records, 2000),
                              ("kinesis-orders.json", order_records, 3000),
                              ("kinesis-directory.json", directory_records, 4000)):
        records = make()
        role = {"kinesis-orders.json": CONVERSION_ROLE_ARN, "kinesis-directory.json": DIRECTORY_ROLE_ARN}.get(name, ROLE_ARN)
        event = kinesis_event(records, first, role)
        text = json.dumps(event, indent=2, ensure_ascii=False) + "\n"
        files[name] = (text, [(r["data"], r["expect"]) for r in sorted(records, key=lambda r: r["seq"])])
    files["eventbridge-site-campaign.json (as an event)"] = (
        None, [(campaign_as_event(CAMPAIGN, "eb-3f1b9a56-0c2d-4e8f-9a7b-5c6d7e8f9a01"), "ok: c-1023 as decoded")])
    rows = trace_lines()
    files["trace-demo.jsonl"] = ("".join(r[1] + "\n" for r in rows), [(r[1].encode(), r[2]) for r in rows])
    return files


def render_timers() -> dict[str, tuple[str, list[str]]]:
    """file name -> (text, problems found by check_timer_messages / check_dormant_messages /
    check_scan_payload): the deadline-timer, dormant-shard, deferred-reminder and scan samples"""
    files = {}
    for name, make, sender in (("sqs-deadline-timer.json", deadline_timer_messages, INGEST_SENDER_ID),
                               ("sqs-deadline-poison.json", deadline_poison_messages, INGEST_SENDER_ID),
                               ("sqs-deadline-redelivered.json", deadline_redelivered_messages, INGEST_SENDER_ID),
                               ("sqs-journey-step.json", journey_step_messages, SCHEDULER_SENDER_ID)):
        messages = make()
        event = sqs_event(name, messages, sender_id=sender)
        files[name] = (json.dumps(event, indent=2, ensure_ascii=False) + "\n",
                       check_timer_messages(name, messages, event))
    for name, make, queue_arn, sender in (
            ("sqs-dormant-shard.json", dormant_shard_messages, SCAN_SHARD_QUEUE_ARN, SCAN_SENDER_ID),
            ("sqs-deferred-reminder.json", deferred_reminder_messages, REMINDER_QUEUE_ARN, SCHEDULER_SENDER_ID)):
        messages = make()
        event = sqs_event(name, messages, queue_arn, sender)
        files[name] = (json.dumps(event, indent=2, ensure_ascii=False) + "\n",
                       check_dormant_messages(name, messages, event))
    files["dynamodb-state-changes.json"] = (json.dumps(state_change_event(), indent=2) + "\n", [])
    scan = dormant_scan_payload() + "\n"
    files["scheduler-dormant-scan.json"] = (scan, check_scan_payload(scan))
    return files


def validate(files) -> list[str]:
    """Every 'ok'/'late' payload must pass the schema, every 'bad' one must fail it."""
    try:
        import jsonschema
    except ImportError:
        return []
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()),
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    problems = []
    for name, (_, payloads) in files.items():
        for n, (data, expect) in enumerate(payloads, 1):
            try:
                errors = list(validator.iter_errors(json.loads(data)))
            except ValueError:
                errors = ["not JSON"]
            if expect.startswith("bad") and not errors:
                problems.append(f"{name} #{n}: expected to fail the schema ({expect}) but passed")
            if not expect.startswith("bad") and errors:
                problems.append(f"{name} #{n}: expected valid but {errors[0]}")
    return problems


def main(argv: list[str]) -> int:
    check = "--check" in argv
    files = render()
    timer_files = render_timers()
    timer_files.update(render_geo())
    stale = []
    texts = {name: text for name, (text, _) in files.items() if text is not None}
    texts.update({name: text for name, (text, _) in timer_files.items()})
    for name, text in texts.items():
        path = HERE / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    problems = validate(files)
    timer_problems = [p for _, found in timer_files.values() for p in found]
    timer_problems += check_order_filter("kinesis-orders.json", json.loads(texts["kinesis-orders.json"]))
    timer_problems += check_stream_filter("kinesis-directory.json", json.loads(texts["kinesis-directory.json"]),
                                          "DirectoryFunction", "DirectoryRecords",
                                          {"profile_updated", "message_read", "message_clicked", "transaction"})
    counted = sum(len(p) for _, p in files.values())
    timers = sum(len(json.loads(text).get("Records", [])) for name, (text, _) in timer_files.items()
                 if name.endswith(".json"))
    for problem in problems + timer_problems:
        print("make_events: " + problem, file=sys.stderr)
    if stale:
        print("make_events: out of date (run python3 events/make_events.py): " + ", ".join(stale), file=sys.stderr)
    try:
        import jsonschema  # noqa: F401
        schema_note = "checked against the schema"
    except ImportError:
        schema_note = "schema check skipped (no jsonschema module)"
    verb = "checked" if check else "wrote"
    print(f"make_events: {verb} {len(texts)} files, {counted} events, {schema_note}, "
          f"{len(problems)} schema mismatches, {timers} timer/queue messages, {len(timer_problems)} timer/queue mismatches, "
          f"{len(stale)} stale")
    return 1 if problems or timer_problems or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
