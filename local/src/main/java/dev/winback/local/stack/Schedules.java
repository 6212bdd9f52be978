package dev.winback.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.winback.local.invoke.SamTemplate;
import dev.winback.local.stack.StackDeployment.DeployedStack;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;

/**
 * The stack's recurring schedules whose target is one of its functions (the daily dormant scan): the
 * emulator's scheduler cannot run a Java function, so they fire here, at their cron times in their
 * time zone, and on demand ({@link #fire}). The input is the schedule's, with Scheduler's placeholders
 * filled in ({@code <aws.scheduler.scheduled-time>} and the others); the time zone is the one the
 * template declares. One-time schedules that target a
 * queue (deadline timers, deferred reminders) are left to the emulator, which delivers them itself.
 */
public final class Schedules {

    /** A schedule of the stack that invokes a function. */
    public record Scheduled(String logicalId, String name, String group, String expression, ZoneId zone, String input,
                            LocalFunction target) {
    }

    /** Starts a named background worker (the stack's thread keeping). */
    @FunctionalInterface
    interface Starter {
        void start(String name, Runnable work, Runnable stop);
    }

    private final List<Scheduled> scheduled = new ArrayList<>();
    private final BatchDelivery delivery;
    private final BatchDelivery.Invoker invoker;
    private volatile boolean running = true;

    Schedules(SchedulerClient scheduler, DeployedStack stack, SamTemplate template, Map<String, LocalFunction> functionsByName,
              BatchDelivery delivery, BatchDelivery.Invoker invoker) {
        this.delivery = delivery;
        this.invoker = invoker;
        List<String> ids = stack.ofType("AWS::Scheduler::Schedule");
        if (ids.isEmpty()) {
            return;
        }
        List<ScheduleSummary> all = new ArrayList<>();
        scheduler.listSchedulesPaginator(b -> { }).schedules().forEach(all::add);
        for (String id : ids) {
            String name = stack.resources().get(id).physicalId();
            ScheduleSummary summary = all.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the emulator has no schedule " + name + " (" + id + ")"));
            GetScheduleResponse schedule = scheduler.getSchedule(b -> b.groupName(summary.groupName()).name(name));
            LocalFunction target = functionsByName.get(LocalStack.functionName(schedule.target().arn()));
            if (target == null || !schedule.target().arn().contains(":lambda:")) {
                continue; // a queue or another service: the emulator delivers it
            }
            scheduled.add(new Scheduled(id, name, summary.groupName(), schedule.scheduleExpression(),
                    zone(schedule.scheduleExpressionTimezone(), declaredZone(template, stack, id)),
                    schedule.target().input(), target));
        }
    }

    public List<Scheduled> list() {
        return List.copyOf(scheduled);
    }

    /** Invokes the schedule's function now, as Scheduler would at {@code scheduledTime}; answers its response. */
    public String fire(String logicalId, Instant scheduledTime) throws Exception {
        Scheduled schedule = scheduled.stream().filter(s -> s.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no schedule " + logicalId + " targets a function; there are "
                        + scheduled.stream().map(Scheduled::logicalId).toList()));
        String input = (schedule.input() == null ? "{}" : schedule.input())
                .replace("<aws.scheduler.scheduled-time>", scheduledTime.truncatedTo(ChronoUnit.SECONDS).toString())
                .replace("<aws.scheduler.schedule-arn>", schedule.name())
                .replace("<aws.scheduler.execution-id>", UUID.randomUUID().toString())
                .replace("<aws.scheduler.attempt-number>", "1");
        long started = System.nanoTime();
        try {
            byte[] response = invoker.invoke(schedule.target(), input.getBytes(StandardCharsets.UTF_8));
            String answer = new String(response, StandardCharsets.UTF_8).strip();
            delivery.log(String.format("%s <- %s at %s: %s (%d ms)", schedule.target().logicalId(), logicalId,
                    scheduledTime.truncatedTo(ChronoUnit.SECONDS), answer, (System.nanoTime() - started) / 1_000_000));
            return answer;
        } catch (Exception e) {
            delivery.log(String.format("%s <- %s: function error %s: %s", schedule.target().logicalId(), logicalId,
                    e.getClass().getSimpleName(), e.getMessage()));
            throw e;
        }
    }

    /** One worker per cron schedule, firing it at its times; others (rate(), unsupported cron) only on demand. */
    void start(Starter starter) {
        for (Scheduled schedule : scheduled) {
            Optional<CronExpression> cron = CronExpression.parse(schedule.expression());
            if (cron.isEmpty()) {
                delivery.log(schedule.logicalId() + ": " + schedule.expression() + " is fired on demand only");
                continue;
            }
            starter.start(schedule.logicalId(), () -> fireOnTime(schedule, cron.get()), () -> running = false);
        }
    }

    private void fireOnTime(Scheduled schedule, CronExpression cron) {
        ZonedDateTime last = ZonedDateTime.now(schedule.zone());
        while (running) {
            Optional<ZonedDateTime> next = cron.next(last, schedule.zone());
            if (next.isEmpty()) {
                return;
            }
            while (running && Instant.now().isBefore(next.get().toInstant())) {
                try {
                    Thread.sleep(Math.min(1_000, Math.max(1, Duration.between(Instant.now(), next.get().toInstant()).toMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!running) {
                return;
            }
            try {
                fire(schedule.logicalId(), next.get().toInstant());
            } catch (Exception alreadyLogged) {
                // Scheduler would retry and then dead-letter; locally the line above says it failed.
            }
            last = next.get();
        }
    }

    /**
     * The schedule's time zone: the emulator's, unless it reports UTC where the template declares
     * another (MiniStack 1.5.33 drops ScheduleExpressionTimezone); UTC when neither says or Java does
     * not know the zone.
     */
    private static ZoneId zone(String reported, String declared) {
        String name = reported == null || reported.isBlank() || (reported.equals("UTC") && declared != null) ? declared : reported;
        if (name == null || name.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** ScheduleExpressionTimezone as the template declares it: a literal, or a parameter's deployed value. */
    private static String declaredZone(SamTemplate template, DeployedStack stack, String logicalId) {
        JsonNode declared = template.resourceProperty(logicalId, "ScheduleExpressionTimezone");
        if (declared.isTextual()) {
            return declared.asText();
        }
        if (declared.has("Ref")) {
            return stack.parameters().get(declared.get("Ref").asText());
        }
        return null;
    }
}
