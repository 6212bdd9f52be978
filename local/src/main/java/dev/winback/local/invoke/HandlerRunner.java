package dev.winback.local.invoke;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import dev.winback.handlers.Priming;
import dev.winback.local.LocalContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The inside of one local invocation, run in a JVM of its own as a fresh Lambda execution environment:
 * instantiates the handler class with its no-arg constructor (so the real {@code Wiring.fromEnvironment()}
 * runs on the environment {@link InvokeCommand} set), reads the event from stdin and converts it with
 * Lambda's own serializers (aws-lambda-java-serialization: the mixins that map a Kinesis or SQS event's
 * JSON onto the events library's classes), calls the handler and writes the response JSON to stdout.
 * Everything the function prints (logs, EMF metrics) goes to stderr, so stdout holds only the response.
 *
 * <p>Exit codes: 0 answered, 1 the function failed (one line on stderr), 2 the handler cannot be loaded.
 */
public final class HandlerRunner {

    static final int FUNCTION_ERROR = 1;
    static final int BAD_HANDLER = 2;

    private HandlerRunner() {
    }

    /** Arguments: {@code <Class::method> <function name> <timeout seconds> <memory MB>}; the event on stdin. */
    public static void main(String[] args) throws IOException {
        // Before any logging framework looks at System.out: the response alone goes to the real stdout.
        PrintStream response = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        if (args.length != 4) {
            System.err.println("usage: HandlerRunner <Class::method> <function name> <timeout seconds> <memory MB>");
            System.exit(BAD_HANDLER);
        }
        String function = args[1];
        byte[] event = System.in.readAllBytes();
        Context context = new LocalContext(function, Duration.ofSeconds(Long.parseLong(args[2])), Integer.parseInt(args[3]));
        int exit;
        try {
            byte[] output = invoke(args[0], event, context);
            response.write(output);
            response.println();
            exit = 0;
            if (Boolean.getBoolean(PHASES_PROPERTY)) {
                System.err.println(PHASES.line());
            }
        } catch (BadHandler e) {
            System.err.println("winback: " + function + ": " + e.getMessage());
            exit = BAD_HANDLER;
        } catch (Throwable failure) {
            // Lambda answers an error response; locally one line says what failed and why.
            Throwable cause = failure instanceof ExceptionInInitializerError && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (debug()) {
                cause.printStackTrace(System.err);
            }
            System.err.println("winback: " + function + " failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            exit = FUNCTION_ERROR;
        }
        System.err.flush();
        response.flush();
        System.exit(exit); // SDK clients keep non-daemon threads around; the invocation is over
    }

    /** The handler's response JSON for this event JSON. */
    static byte[] invoke(String handlerSpec, byte[] event, Context context) throws Exception {
        return invoke(load(handlerSpec), event, context);
    }

    /**
     * A new instance of the handler a template names ({@code package.Class::handleRequest}), made with
     * its public no-arg constructor as Lambda makes it (so its wiring runs now, as in a function's init).
     */
    public static Object load(String handlerSpec) throws Exception {
        int separator = handlerSpec.indexOf("::");
        String className = separator < 0 ? handlerSpec : handlerSpec.substring(0, separator);
        String method = separator < 0 ? "handleRequest" : handlerSpec.substring(separator + 2);
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new BadHandler("no handler class " + className + " on the classpath");
        }
        if (!method.equals("handleRequest")) {
            throw new BadHandler("handler method " + method + ": only RequestHandler/RequestStreamHandler's handleRequest is supported");
        }
        if (!RequestStreamHandler.class.isAssignableFrom(type) && !RequestHandler.class.isAssignableFrom(type)) {
            throw new BadHandler(className + " implements neither RequestHandler nor RequestStreamHandler");
        }
        requestHandlerTypesIfAny(type);
        return initialize(type);
    }

    /** Calls a loaded handler on an event JSON through Lambda's serializers; answers the response JSON. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static byte[] invoke(Object handler, byte[] event, Context context) throws Exception {
        Class<?> type = handler.getClass();
        long invoked = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (handler instanceof RequestStreamHandler stream) {
            stream.handleRequest(new ByteArrayInputStream(event), out, context);
        } else {
            Type[] io = requestHandlerTypes(type);
            Object input = serializer(io[0], type.getClassLoader()).fromJson(new ByteArrayInputStream(event));
            Object output = ((RequestHandler) handler).handleRequest(input, context);
            serializer(io[1], type.getClassLoader()).toJson(output, out);
        }
        PHASES.invoke = System.nanoTime() - invoked;
        return out.toByteArray();
    }

    /** Checks a RequestHandler binds its types before it is instantiated (a stream handler needs none). */
    private static void requestHandlerTypesIfAny(Class<?> type) {
        if (!RequestStreamHandler.class.isAssignableFrom(type)) {
            requestHandlerTypes(type);
        }
    }

    /**
     * System property: run the function's SnapStart priming ({@link Priming#primeRegistered()}) between its
     * init and its first invocation, as the snapshot would have it (the cold-start benchmark sets it).
     */
    public static final String PRIME_PROPERTY = "winback.prime";
    /** System property: print the init, priming and first-invoke times to stderr as one {@link #PHASES_PREFIX} line. */
    public static final String PHASES_PROPERTY = "winback.phases";
    public static final String PHASES_PREFIX = "winback-phases ";

    /** Nanoseconds spent in each phase of this invocation. */
    private static final class Phases {
        long init;
        long prime;
        long invoke;

        String line() {
            return PHASES_PREFIX + "init_ns=" + init + " prime_ns=" + prime + " invoke_ns=" + invoke;
        }
    }

    private static final Phases PHASES = new Phases();

    /** The handler's init (its constructor), then its priming when asked for. */
    private static Object initialize(Class<?> type) throws Exception {
        long started = System.nanoTime();
        Object handler = instantiate(type);
        PHASES.init = System.nanoTime() - started;
        if (Boolean.getBoolean(PRIME_PROPERTY)) {
            long priming = System.nanoTime();
            Priming.primeRegistered();
            PHASES.prime = System.nanoTime() - priming;
        }
        return handler;
    }

    /**
     * What the Java runtime uses: the events library's classes through their registered serializers,
     * anything else (a Map, a String, a POJO) through its Jackson factory.
     */
    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Type type, ClassLoader loader) {
        if (type instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(c, loader);
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    /** The I and O of {@code RequestHandler<I, O>} as this class (or a superclass) binds them. */
    private static Type[] requestHandlerTypes(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Type implemented : c.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    Type[] args = p.getActualTypeArguments();
                    if (args[0] instanceof Class<?> || args[0] instanceof ParameterizedType) {
                        return args;
                    }
                }
            }
        }
        throw new BadHandler(type.getName() + " does not bind RequestHandler's input and output types");
    }

    private static Object instantiate(Class<?> type) throws Exception {
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new BadHandler(type.getName() + " has no public no-arg constructor, which Lambda needs");
        }
        try {
            return constructor.newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            // The wiring failed (a missing variable, an unreachable service): that is the function's error.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    private static boolean debug() {
        String level = System.getenv("LOG_LEVEL");
        return level != null && (level.equalsIgnoreCase("DEBUG") || level.equalsIgnoreCase("TRACE"));
    }

    /** The handler named in the template cannot be run at all. */
    static final class BadHandler extends RuntimeException {
        BadHandler(String message) {
            super(message);
        }
    }
}
