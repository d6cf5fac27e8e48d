/* evhub.h — core's side of the event system: it turns what the sup
 * reports (state changes, child output, groups, sendRemoteCommEvent) into
 * events on the bus (events.md §3, §5.1), and keeps one listener pool per
 * [eventlistener:x] group, dispatching their events from the loop.
 *
 * main creates the bus (which outlives restarts, so serials continue), the
 * hub, and installs the hub's hooks in the sup. The hub owns the pools,
 * through the groups' pool pointers; it owns neither the sup nor the bus. */
#ifndef REFD_CORE_EVHUB_H
#define REFD_CORE_EVHUB_H

struct evbus;
struct evhub;
struct sup;
struct sup_hooks;

struct evhub *evhub_new(struct sup *s, struct evbus *bus);
/* The hooks to give sup_set_hooks. */
void evhub_hooks(struct evhub *h, struct sup_hooks *hooks);
/* Call after the groups are gone (or before sup_free); clears the sup's
 * hooks. */
void evhub_free(struct evhub *h);

#endif
