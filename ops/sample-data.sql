CREATE DATABASE IF NOT EXISTS shop;
CREATE TABLE shop.customers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200) UNIQUE,
  balance DECIMAL(12,2) NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE shop.orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT UNSIGNED NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
  note TEXT,
  KEY (customer_id)
) DEFAULT CHARSET=utf8mb4;
USE shop;
INSERT INTO shop.customers (name, email, balance)
  SELECT CONCAT('customer ', seq), CONCAT('c', seq, '@example.com'), seq * 1.25 FROM seq_1_to_1000;
INSERT INTO shop.customers (name, email) VALUES ('Zoë 🚀', 'zoe@example.com');
INSERT INTO shop.orders (customer_id, amount, status, note)
  SELECT 1 + seq % 1000, seq / 10, ELT(1 + seq % 3, 'new', 'paid', 'shipped'), IF(seq % 7 = 0, NULL, REPEAT('n', seq % 50))
  FROM seq_1_to_5000;
CREATE DATABASE IF NOT EXISTS logs;
CREATE TABLE logs.events_2026_01 (id INT PRIMARY KEY, msg VARCHAR(100));
CREATE TABLE logs.events_2026_02 (id INT PRIMARY KEY, msg VARCHAR(100));
INSERT INTO logs.events_2026_01 SELECT seq, CONCAT('jan ', seq) FROM seq_1_to_200;
-- Shards merged into one table need keys unique across shards (as in DM).
INSERT INTO logs.events_2026_02 SELECT seq, CONCAT('feb ', seq) FROM seq_201_to_500;
