package dev.duplex.spring;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.server.Ack;
import dev.duplex.server.Handshake;
import dev.duplex.server.Namespace;
import dev.duplex.server.Socket;
import dev.duplex.server.SocketIoServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Turns the methods of the {@link SocketIoController} beans into namespace listeners, socket handlers and middlewares. */
final class HandlerRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerRegistrar.class);
    private final ApplicationContext context;
    private final SocketIoServer server;

    HandlerRegistrar(ApplicationContext context, SocketIoServer server) {
        this.context = context;
        this.server = server;
    }

    void registerAll() {
        for (Map.Entry<String, Object> e : context.getBeansWithAnnotation(SocketIoController.class).entrySet()) {
            register(e.getValue());
        }
    }

    /** Registers the handlers of one controller bean. */
    void register(Object bean) {
        Class<?> type = AopUtils.getTargetClass(bean);
        SocketIoController controller = AnnotatedElementUtils.findMergedAnnotation(type, SocketIoController.class);
        String name = controller == null ? "/" : controller.value();
        Namespace nsp = server.of(name);
        ObjectMapper mapper = server.options().objectMapper();

        List<Method> middlewares = new ArrayList<>(methods(type, Middleware.class));
        middlewares.sort(Comparator.comparingInt(m -> m.getAnnotation(Middleware.class).order()));
        for (Method m : middlewares) {
            Invoker invoker = new Invoker(bean, m, mapper);
            nsp.use((socket, next) -> {
                Object result;
                try {
                    result = invoker.invoke(socket, null, List.of(), null);
                } catch (Exception e) {
                    next.accept(e);
                    return;
                }
                if (Boolean.FALSE.equals(result)) {
                    next.accept(new dev.duplex.server.ConnectionRefusedException("not authorized"));
                } else {
                    next.accept(null);
                }
            });
        }

        List<Invoker> events = new ArrayList<>();
        for (Method m : methods(type, OnEvent.class)) {
            events.add(new Invoker(bean, m, mapper));
        }
        List<Invoker> connects = methods(type, OnConnect.class).stream().map(m -> new Invoker(bean, m, mapper)).toList();
        List<Invoker> disconnects =
                methods(type, OnDisconnect.class).stream().map(m -> new Invoker(bean, m, mapper)).toList();
        if (events.isEmpty() && connects.isEmpty() && disconnects.isEmpty()) {
            return;
        }
        nsp.onConnection(socket -> {
            for (Invoker event : events) {
                String eventName = event.method.getAnnotation(OnEvent.class).value();
                socket.on(eventName, (args, ack) -> {
                    Object result = event.invoke(socket, ack, args, null);
                    if (result instanceof CompletionStage<?> stage) {
                        stage.whenComplete((value, error) -> {
                            if (error != null) {
                                LOG.warn("Handler of event '{}' on socket {} (namespace {}) failed", eventName,
                                        socket.id(), socket.nsp().name(), error);
                            } else if (ack != null) {
                                ack.send(value);
                            }
                        });
                    } else if (ack != null && event.method.getReturnType() != void.class) {
                        ack.send(result);
                    }
                });
            }
            for (Invoker d : disconnects) {
                socket.onDisconnect(reason -> call(d, socket, reason));
            }
            for (Invoker c : connects) {
                call(c, socket, null);
            }
        });
    }

    private static void call(Invoker invoker, Socket socket, String reason) {
        try {
            invoker.invoke(socket, null, List.of(), reason);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Method> methods(Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation) {
        Map<Method, Object> found = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<Object>) m -> m.getAnnotation(annotation));
        List<Method> list = new ArrayList<>(found.keySet());
        // declaration order is not guaranteed by reflection: sort by name for a stable order
        list.sort(Comparator.comparing(Method::getName));
        return list;
    }

    /** One annotated method and how each of its parameters is filled. */
    private static final class Invoker {
        private final Object bean;
        private final Method method;
        private final ObjectMapper mapper;
        /** Per parameter: the JSON type it maps to, or null for an injected one. */
        private final JavaType[] types;
        private final Class<?>[] classes;

        Invoker(Object bean, Method method, ObjectMapper mapper) {
            this.bean = bean;
            this.method = AopUtils.selectInvocableMethod(method, bean.getClass());
            ReflectionUtils.makeAccessible(this.method);
            this.mapper = mapper;
            Parameter[] params = method.getParameters();
            this.types = new JavaType[params.length];
            this.classes = new Class<?>[params.length];
            for (int i = 0; i < params.length; i++) {
                Class<?> c = params[i].getType();
                classes[i] = c;
                if (c != Socket.class && c != Handshake.class && c != Ack.class && c != String.class) {
                    types[i] = mapper.getTypeFactory().constructType(params[i].getParameterizedType());
                } else if (c == String.class && !method.isAnnotationPresent(OnDisconnect.class)) {
                    types[i] = mapper.getTypeFactory().constructType(String.class);
                }
            }
        }

        Object invoke(Socket socket, Ack ack, List<JsonNode> args, String reason) throws Exception {
            Object[] values = new Object[types.length];
            int next = 0;
            for (int i = 0; i < types.length; i++) {
                Class<?> c = classes[i];
                if (types[i] == null) {
                    if (c == Socket.class) {
                        values[i] = socket;
                    } else if (c == Handshake.class) {
                        values[i] = socket.handshake();
                    } else if (c == Ack.class) {
                        values[i] = ack;
                    } else {
                        values[i] = reason;
                    }
                    continue;
                }
                JsonNode arg = next < args.size() ? args.get(next) : null;
                next++;
                if (arg == null || arg.isNull() || arg.isMissingNode()) {
                    values[i] = c.isPrimitive() ? mapper.convertValue(c == boolean.class ? "false" : "0", c) : null;
                } else {
                    values[i] = mapper.treeToValue(arg, types[i]);
                }
            }
            try {
                return method.invoke(bean, values);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            }
        }
    }

}
