package io.levee.worker;

import java.util.List;

/**
 * A CDI bean that handles queues without {@link TaskHandler} methods, such as the built-in HTTP delivery: the worker
 * asks every bean implementing it for its handlers once, at deployment, and runs each like a {@code @TaskHandler}
 * (one handler per queue, the queue must be configured). An exception thrown here fails deployment.
 */
public interface HandlerProvider {

    /** The handlers this bean provides, at most one per queue. */
    List<ProvidedHandler> handlers();
}
