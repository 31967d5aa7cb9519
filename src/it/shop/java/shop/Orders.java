package shop;

import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The shop's own handler of its queue {@code shop-orders}. */
@ApplicationScoped
public class Orders {

    private final List<String> received = new CopyOnWriteArrayList<>();

    @TaskHandler("shop-orders")
    public void handle(Order order, TaskContext task) {
        received.add(task.taskId() + " " + order.quantity() + "x" + order.item());
    }

    /** What the handler received, one line per task: id, quantity and item. */
    List<String> received() {
        return received;
    }
}
