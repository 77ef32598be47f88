-- An invoiced order that arrived again with other content needs the user until they say what
-- to do; the attention tab lists and counts these few among every sent order.
CREATE INDEX orders_changed_sent ON orders (id) WHERE state = 'sent' AND pending_json IS NOT NULL;
