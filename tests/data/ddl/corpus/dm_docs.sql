create table t1 (id bigint, uid int, name varchar(80), info varchar(100), primary key (`id`), unique key(`uid`)) DEFAULT CHARSET=utf8mb4

create table t2 (id bigint, gid int, name varchar(80), info varchar(100), primary key (`id`), unique key(`gid`)) DEFAULT CHARSET=utf8mb4

insert into t1 (id, uid, name) values (1, 10001, 'Gabriel García Márquez'), (2, 10002, 'Cien años de soledad')

insert into t2 (id, gid, name) values (1, 20001, 'José Arcadio Buendía'), (2, 20002, 'Úrsula Iguarán'), (3, 20003, 'José Arcadio')

CREATE TABLE `sale_01` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `sid` bigint(20) NOT NULL,
  `pid` bigint(20) NOT NULL,
  `comment` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `sid` (`sid`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1

CREATE TABLE `store_01`.`sale_01` (`id` bigint NOT NULL AUTO_INCREMENT, `sid` bigint NOT NULL, `pid` bigint NOT NULL, `comment` varchar(255) DEFAULT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB

ALTER TABLE `tbl00` ADD COLUMN `Name` VARCHAR(255) DEFAULT NULL

ALTER TABLE `tbl00` ADD COLUMN `Level` INT

ALTER TABLE `tbl01` ADD COLUMN `Level` INT

ALTER TABLE `tbl01` DROP COLUMN `Name`

ALTER TABLE `tbl00` ADD COLUMN `Age` INT DEFAULT -1

ALTER TABLE `tbl01` ADD COLUMN `Age` INT DEFAULT -1

ALTER TABLE `tbl00` ADD COLUMN `Age` INT DEFAULT 0

ALTER TABLE `tbl00` ADD INDEX `idx_level` (`Level`)

ALTER TABLE `tbl00` DROP INDEX `idx_level`

ALTER TABLE `tbl00` MODIFY COLUMN `Level` BIGINT

ALTER TABLE `tbl00` MODIFY COLUMN `Name` VARCHAR(512) DEFAULT NULL

ALTER TABLE shard_db_1.shard_table_1 ADD COLUMN c2 INT

ALTER TABLE shard_db_2.shard_table_1 ADD COLUMN c2 INT

ALTER TABLE shard_db_1.shard_table_2 DROP COLUMN c2

ALTER TABLE db1.tbl1 CHANGE c2 c2 DECIMAL (10, 3)

ALTER TABLE db1.tbl1 ADD COLUMN new_col INT UNIQUE

ALTER TABLE db1.tbl1 ADD PRIMARY KEY (c1)

ALTER TABLE db2.tbl2 ADD COLUMN new_col INT, ADD COLUMN new_col2 INT

ALTER TABLE db1.tbl1 MODIFY c2 DECIMAL(10, 3) NOT NULL

ALTER TABLE `db1`.`tbl1` ADD COLUMN `c3` INT NOT NULL DEFAULT 0, ADD INDEX `idx_c3` (`c3`)

ALTER TABLE t ADD COLUMN c INT, ADD COLUMN d INT

ALTER TABLE t ADD COLUMN a INT, ADD COLUMN b INT, ADD COLUMN c INT, ADD COLUMN d INT

CREATE TABLE `user` (`id` INT NOT NULL, `name` VARCHAR(20), PRIMARY KEY (`id`))

CREATE TABLE `user_01` LIKE `user`

CREATE DATABASE IF NOT EXISTS `user_north`

CREATE DATABASE IF NOT EXISTS `user_east`

CREATE TABLE `user_north`.`information` (`id` INT NOT NULL, `name` VARCHAR(40), `age` INT, `sid` VARCHAR(20), PRIMARY KEY (`id`))

CREATE TABLE `store_01`.`sale_01` LIKE `store_01`.`sale_02`

DROP DATABASE `log`

DROP TABLE `log`.`messages`

TRUNCATE TABLE `store_01`.`sale_01`

CREATE TABLE `test`.`t_1` (`a` int, `b` varchar(10), `c` varchar(20) GENERATED ALWAYS AS (concat(`b`, 'x')) VIRTUAL, PRIMARY KEY (`a`))

ALTER TABLE `test`.`t_1` ADD COLUMN `d` int NOT NULL DEFAULT 1 AFTER `a`

ALTER TABLE `test`.`t_1` DROP PRIMARY KEY, ADD PRIMARY KEY (`a`, `d`)

ALTER TABLE `test`.`t_1` RENAME COLUMN `b` TO `bb`

ALTER TABLE `test`.`t_1` RENAME INDEX `idx_b` TO `idx_bb`

ALTER TABLE `test`.`t_1` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin

ALTER TABLE `test`.`t_1` ENGINE = InnoDB

ALTER TABLE `test`.`t_1` ADD PARTITION (PARTITION p4 VALUES LESS THAN (400))

ALTER TABLE `test`.`t_1` DROP PARTITION p0

ALTER TABLE `test`.`t_1` TRUNCATE PARTITION p1

CREATE VIEW `test`.`v_1` AS SELECT * FROM `test`.`t_1`

DROP VIEW `test`.`v_1`

DROP PROCEDURE IF EXISTS `test`.`proc_1`

CREATE PROCEDURE `test`.`proc_1`() BEGIN SELECT 1; END

ALTER DATABASE `test` CHARACTER SET = utf8mb4 COLLATE = utf8mb4_general_ci

CREATE INDEX `idx_name` ON `test`.`t_1` (`bb`)

DROP INDEX `idx_name` ON `test`.`t_1`

RENAME TABLE `test`.`t_1` TO `test`.`t_2`

DROP TABLE IF EXISTS `test`.`t_2`
