package dev.winback.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Duration;
import java.util.UUID;

/** A Lambda context for in-process invocations: a fresh request id, generous time left. */
public final class LocalContext implements Context {

    private final String functionName;
    private final String requestId = UUID.randomUUID().toString();
    /** When the invocation times out (System.nanoTime), or 0: never, 15 minutes left whenever asked. */
    private final long deadlineNanos;
    private final int memoryMb;

    public LocalContext(String functionName) {
        this.functionName = functionName;
        this.deadlineNanos = 0;
        this.memoryMb = 1024;
    }

    /** A context whose time left counts down from the function's timeout, as Lambda's does. */
    public LocalContext(String functionName, Duration timeout, int memoryMb) {
        this.functionName = functionName;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.memoryMb = memoryMb;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:local:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        if (deadlineNanos == 0) {
            return 900_000;
        }
        return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.err.print(message);
            }

            @Override
            public void log(byte[] message) {
                System.err.write(message, 0, message.length);
            }
        };
    }
}
