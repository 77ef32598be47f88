-- The desktop app's history filters by order date: without an index a range
-- that matches little walks every order (about 0.1 s over 100,000 orders).
CREATE INDEX orders_date ON orders (order_date, id);
