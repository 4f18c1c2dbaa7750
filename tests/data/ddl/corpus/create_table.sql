CREATE TABLE t1 (c1 INT, c2 VARCHAR(10))

CREATE TABLE t (c CHAR(20) CHARACTER SET utf8 COLLATE utf8_bin)

CREATE TABLE test (blob_col BLOB, INDEX(blob_col(10)))

CREATE TABLE lookup (id INT, INDEX USING BTREE (id)) ENGINE = MEMORY

CREATE TABLE t1 (col1 INT, col2 CHAR(5)) PARTITION BY HASH(col1)

CREATE TABLE t1 (col1 INT, col2 CHAR(5), col3 DATETIME) PARTITION BY HASH ( YEAR(col3) )

CREATE TABLE tk (col1 INT, col2 CHAR(5), col3 DATE) PARTITION BY KEY(col3) PARTITIONS 4

CREATE TABLE tk (col1 INT, col2 CHAR(5), col3 DATE) PARTITION BY LINEAR KEY(col3) PARTITIONS 5

CREATE TABLE t1 (year_col INT, some_data INT) PARTITION BY RANGE (year_col) (
    PARTITION p0 VALUES LESS THAN (1991),
    PARTITION p1 VALUES LESS THAN (1995),
    PARTITION p2 VALUES LESS THAN (1999),
    PARTITION p3 VALUES LESS THAN (2002),
    PARTITION p4 VALUES LESS THAN (2006),
    PARTITION p5 VALUES LESS THAN MAXVALUE
)

CREATE TABLE rc (a INT NOT NULL, b INT NOT NULL) PARTITION BY RANGE COLUMNS(a,b) (
    PARTITION p0 VALUES LESS THAN (10,5),
    PARTITION p1 VALUES LESS THAN (20,10),
    PARTITION p2 VALUES LESS THAN (50,MAXVALUE),
    PARTITION p3 VALUES LESS THAN (65,MAXVALUE),
    PARTITION p4 VALUES LESS THAN (MAXVALUE,MAXVALUE)
)

CREATE TABLE client_firms (id INT, name VARCHAR(35)) PARTITION BY LIST (id) (
    PARTITION r0 VALUES IN (1, 5, 9, 13, 17, 21),
    PARTITION r1 VALUES IN (2, 6, 10, 14, 18, 22),
    PARTITION r2 VALUES IN (3, 7, 11, 15, 19, 23),
    PARTITION r3 VALUES IN (4, 8, 12, 16, 20, 24)
)

CREATE TABLE lc (a INT NULL, b INT NULL) PARTITION BY LIST COLUMNS(a,b) (
    PARTITION p0 VALUES IN( (0,0), (NULL,NULL) ),
    PARTITION p1 VALUES IN( (0,1), (0,2), (0,3), (1,1), (1,2) ),
    PARTITION p2 VALUES IN( (1,0), (2,0), (2,1), (3,0), (3,1) ),
    PARTITION p3 VALUES IN( (1,3), (2,2), (2,3), (3,2), (3,3) )
)

-- mariadb-skip: the partition DATA/INDEX DIRECTORY paths do not exist on the test host
CREATE TABLE th (id INT, name VARCHAR(30), adate DATE) PARTITION BY LIST(YEAR(adate)) (
  PARTITION p1999 VALUES IN (1995, 1999, 2003) DATA DIRECTORY = '/var/appdata/95/data' INDEX DIRECTORY = '/var/appdata/95/idx',
  PARTITION p2000 VALUES IN (1996, 2000, 2004) DATA DIRECTORY = '/var/appdata/96/data' INDEX DIRECTORY = '/var/appdata/96/idx'
)

CREATE TABLE ts (id INT, purchased DATE) PARTITION BY RANGE( YEAR(purchased) ) SUBPARTITION BY HASH( TO_DAYS(purchased) ) SUBPARTITIONS 2 (
    PARTITION p0 VALUES LESS THAN (1990),
    PARTITION p1 VALUES LESS THAN (2000),
    PARTITION p2 VALUES LESS THAN MAXVALUE
)

CREATE TABLE new_tbl LIKE orig_tbl

CREATE TABLE new_tbl (LIKE orig_tbl)

CREATE TABLE IF NOT EXISTS db2.new_tbl LIKE db1.orig_tbl

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE new_tbl AS SELECT * FROM orig_tbl

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE new_tbl SELECT * FROM orig_tbl

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE test (a INT NOT NULL AUTO_INCREMENT, PRIMARY KEY (a), KEY(b)) ENGINE=InnoDB SELECT b,c FROM test2

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE bar (m INT) SELECT n FROM foo

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE bar (UNIQUE (n)) SELECT n FROM foo

-- mariadb-skip: selects from tables the entry does not create
CREATE TABLE artists_and_works SELECT artist.name, COUNT(work.artist_id) AS number_of_works FROM artist LEFT JOIN work ON artist.id = work.artist_id GROUP BY artist.id

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE foo (a TINYINT NOT NULL) SELECT b+1 AS a FROM bar

-- mariadb-skip: MySQL 8 syntax: CONSTRAINT name on a column-level CHECK
CREATE TABLE t1 (c1 INT CHECK (c1 > 10), c2 INT CONSTRAINT c2_positive CHECK (c2 > 0), c3 INT CHECK (c3 < 100), CONSTRAINT c1_nonzero CHECK (c1 <> 0), CHECK (c1 > c3))

-- mariadb-skip: MySQL 8 syntax: CONSTRAINT name on a column-level CHECK
CREATE TABLE t1 (CHECK (c1 <> c2), c1 INT CHECK (c1 > 10), c2 INT CONSTRAINT c2_positive CHECK (c2 > 0), c3 INT CHECK (c3 < 100), CONSTRAINT c1_nonzero CHECK (c1 <> 0), CHECK (c1 > c3))

CREATE TABLE t1 (a INT CHECK (a>2), b INT CHECK (b>2), CONSTRAINT a_greater CHECK (a>b))

CREATE TABLE product (category INT NOT NULL, id INT NOT NULL, price DECIMAL, PRIMARY KEY(category, id)) ENGINE=INNODB

CREATE TABLE customer (id INT NOT NULL, PRIMARY KEY (id)) ENGINE=INNODB

CREATE TABLE product_order (
    no INT NOT NULL AUTO_INCREMENT,
    product_category INT NOT NULL,
    product_id INT NOT NULL,
    customer_id INT NOT NULL,
    PRIMARY KEY(no),
    INDEX (product_category, product_id),
    INDEX (customer_id),
    FOREIGN KEY (product_category, product_id) REFERENCES product(category, id) ON UPDATE CASCADE ON DELETE RESTRICT,
    FOREIGN KEY (customer_id) REFERENCES customer(id)
) ENGINE=INNODB

CREATE TABLE parent (id INT NOT NULL, PRIMARY KEY (id)) ENGINE=INNODB

CREATE TABLE child (id INT, parent_id INT, INDEX par_ind (parent_id), FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE CASCADE) ENGINE=INNODB

CREATE TABLE child (id INT, parent_id INT, INDEX par_ind (parent_id), CONSTRAINT fk_parent FOREIGN KEY fk_idx (parent_id) REFERENCES parent(id) ON DELETE SET NULL ON UPDATE NO ACTION) ENGINE=InnoDB

CREATE TABLE t2 (id INT, FOREIGN KEY (id) REFERENCES t1(id) MATCH FULL ON DELETE SET DEFAULT)

CREATE TABLE triangle (sidea DOUBLE, sideb DOUBLE, sidec DOUBLE AS (SQRT(sidea * sidea + sideb * sideb)))

CREATE TABLE t1 (first_name VARCHAR(10), last_name VARCHAR(10), full_name VARCHAR(255) AS (CONCAT(first_name,' ',last_name)))

CREATE TABLE t1 (a INT, b INT GENERATED ALWAYS AS (a+1) STORED, c INT GENERATED ALWAYS AS (a+2) VIRTUAL, d INT AS (a*3) PERSISTENT)

CREATE TABLE table1 (a INT NOT NULL, b VARCHAR(32), c INT AS (a MOD 10) VIRTUAL, d VARCHAR(5) AS (LEFT(b,5)) PERSISTENT)

-- mariadb-skip: MySQL only: the -> JSON operator
CREATE TABLE jemp (c JSON, g INT GENERATED ALWAYS AS (c->"$.id"), INDEX i (g))

CREATE TABLE jemp (c JSON, g INT GENERATED ALWAYS AS (JSON_EXTRACT(c, '$.id')) STORED, INDEX i (g))

CREATE TABLE t1 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, data VARCHAR(64) DEFAULT NULL, ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)

CREATE TABLE t1 (ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, dt DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)

CREATE TABLE t1 (ts TIMESTAMP DEFAULT 0, dt DATETIME DEFAULT 0)

CREATE TABLE t1 (ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP, dt DATETIME DEFAULT CURRENT_TIMESTAMP)

CREATE TABLE t1 (ts TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, dt DATETIME ON UPDATE CURRENT_TIMESTAMP)

CREATE TABLE t1 (ts TIMESTAMP DEFAULT 0 ON UPDATE CURRENT_TIMESTAMP, dt DATETIME DEFAULT 0 ON UPDATE CURRENT_TIMESTAMP)

CREATE TABLE t1 (ts TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))

CREATE TABLE t1 (ts TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)

CREATE TABLE t1 (i INT DEFAULT -1, c VARCHAR(10) DEFAULT '', price DOUBLE(16,2) DEFAULT 0.00)

-- mariadb-skip: MySQL only: UUID_TO_BIN()
CREATE TABLE t1 (f FLOAT DEFAULT (RAND() * RAND()), b BINARY(16) DEFAULT (UUID_TO_BIN(UUID())), d DATE DEFAULT (CURRENT_DATE + INTERVAL 1 YEAR), p POINT DEFAULT (Point(0,0)), j JSON DEFAULT (JSON_ARRAY()))

CREATE TABLE t1 (a INT DEFAULT 1, b INT DEFAULT (a+1), c VARCHAR(36) DEFAULT UUID())

CREATE TABLE t (id INT, u VARCHAR(20) UNIQUE, v VARCHAR(20) UNIQUE KEY, w INT KEY)

CREATE TABLE animals (id MEDIUMINT NOT NULL AUTO_INCREMENT, name CHAR(30) NOT NULL, PRIMARY KEY (id))

CREATE TABLE animals (grp ENUM('fish','mammal','bird') NOT NULL, id MEDIUMINT NOT NULL AUTO_INCREMENT, name CHAR(30) NOT NULL, PRIMARY KEY (grp,id)) ENGINE=MyISAM

CREATE TABLE shirts (name VARCHAR(40), size ENUM('x-small', 'small', 'medium', 'large', 'x-large'))

CREATE TABLE myset (col SET('a', 'b', 'c', 'd'))

CREATE TABLE t (s SET('it''s', 'a\'b', "dq"))

CREATE TABLE person (id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT, name CHAR(60) NOT NULL, PRIMARY KEY (id))

CREATE TABLE shop (article INT UNSIGNED DEFAULT '0000' NOT NULL, dealer CHAR(20) DEFAULT '' NOT NULL, price DECIMAL(16,2) DEFAULT '0.00' NOT NULL, PRIMARY KEY(article, dealer))

CREATE TABLE t1 (year YEAR, month INT UNSIGNED, day INT UNSIGNED)

CREATE TABLE t1 (year YEAR(4), month INT(2) UNSIGNED ZEROFILL, day INT(2) UNSIGNED ZEROFILL)

CREATE TABLE t (id INT NOT NULL, c CHAR(10) CHARACTER SET latin1 COLLATE latin1_german1_ci) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci

CREATE TABLE t1 (c1 VARCHAR(20) CHARACTER SET utf8, c2 TEXT CHARACTER SET latin1 COLLATE latin1_general_cs)

CREATE TABLE t1 (col1 CHAR(10) CHARACTER SET utf8 COLLATE utf8_unicode_ci) CHARACTER SET latin1 COLLATE latin1_bin

CREATE TABLE t2 (col1 CHAR(10) COLLATE utf8_unicode_ci) CHARACTER SET latin1 COLLATE latin1_bin

CREATE TABLE t1 (c CHAR(10) BINARY, d VARCHAR(10) CHARACTER SET latin1 BINARY, e TEXT ASCII, f TEXT UNICODE)

CREATE TABLE t (a NATIONAL CHAR(10), b NCHAR(10), c NATIONAL VARCHAR(20), d NVARCHAR(20), e NCHAR VARCHAR(20), f NATIONAL CHARACTER VARYING(5))

CREATE TABLE t (a BOOL, b BOOLEAN DEFAULT TRUE, c BOOLEAN NOT NULL DEFAULT FALSE)

CREATE TABLE t (a SERIAL, b INT)

CREATE TABLE t (a BIGINT SERIAL DEFAULT VALUE, b INT)

CREATE TABLE t (a LONG VARCHAR, b LONG, c LONG VARBINARY)

CREATE TABLE t (a DOUBLE PRECISION, b REAL, c NUMERIC(10,2), d DEC(5), e FIXED(6,3), f FLOAT(7,4), g FLOAT(24), h FLOAT8, i FLOAT4)

CREATE TABLE t (a INT1, b INT2, c INT3, d INT4, e INT8, f MIDDLEINT, g INTEGER(11))

CREATE TABLE t (a CHAR VARYING(10), b CHARACTER VARYING(10), c CHARACTER(5), d VARCHARACTER(5))

CREATE TABLE geom (g GEOMETRY NOT NULL, p POINT, l LINESTRING, pg POLYGON, mp MULTIPOINT, ml MULTILINESTRING, mpg MULTIPOLYGON, gc GEOMETRYCOLLECTION, SPATIAL INDEX(g)) ENGINE=InnoDB

-- mariadb-skip: MySQL only: SRID column attribute
CREATE TABLE geom (g GEOMETRY NOT NULL SRID 4326, SPATIAL KEY sp (g))

CREATE TABLE opening_lines (id INT UNSIGNED AUTO_INCREMENT NOT NULL PRIMARY KEY, opening_line TEXT(500), author VARCHAR(200), title VARCHAR(200), FULLTEXT idx (opening_line)) ENGINE=InnoDB

-- mariadb-skip: MySQL only: the ngram full-text parser plugin
CREATE TABLE articles (id INT UNSIGNED AUTO_INCREMENT NOT NULL PRIMARY KEY, title VARCHAR(200), body TEXT, FULLTEXT (title,body) WITH PARSER ngram) ENGINE=InnoDB CHARACTER SET utf8mb4

CREATE TABLE articles (id INT UNSIGNED AUTO_INCREMENT NOT NULL PRIMARY KEY, title VARCHAR(200), body TEXT, FULLTEXT KEY ft_tb (title, body)) ENGINE=InnoDB

CREATE TABLE t1 (id INT NOT NULL, c1 TEXT, KEY k1 (c1(255)) COMMENT 'prefix index', KEY k2 (id) KEY_BLOCK_SIZE=8 USING HASH)

-- mariadb-skip: MySQL only: VISIBLE/INVISIBLE indexes (MariaDB says IGNORED)
CREATE TABLE t1 (i INT, j INT, k INT, INDEX i_idx (i) INVISIBLE, INDEX j_idx (j) VISIBLE, INDEX k_idx (k))

-- mariadb-skip: MySQL only: functional key parts
CREATE TABLE t1 (c1 INT, c2 INT, INDEX idx1 ((c1 + c2)), INDEX idx2 ((c1 + c2), (c1 - c2), c1))

CREATE TABLE t1 (a INT, b INT, INDEX a_desc_b_asc (a DESC, b ASC))

CREATE TABLE t1 (a INT, b INT, c INT, KEY (a) IGNORED, KEY (b) NOT IGNORED)

CREATE TABLE t1 (a INT INVISIBLE, b INT, c INT INVISIBLE DEFAULT 5)

CREATE TABLE t (id INT PRIMARY KEY COMMENT 'the id', v VARCHAR(10) COMMENT "double quoted comment") COMMENT 'table comment'

CREATE TABLE t (id INT) COMMENT='a''b \\ c\nline'

-- mariadb-skip: NDB only: STORAGE and COLUMN_FORMAT
CREATE TABLE t1 (c1 INT STORAGE DISK, c2 INT STORAGE MEMORY COLUMN_FORMAT FIXED, c3 INT COLUMN_FORMAT DYNAMIC) ENGINE NDB

CREATE TABLE t1 (a INT) ENGINE=InnoDB ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8

CREATE TABLE t1 (a INT) ENGINE=InnoDB ROW_FORMAT=DYNAMIC STATS_PERSISTENT=0 STATS_AUTO_RECALC=1 STATS_SAMPLE_PAGES=25

CREATE TABLE t1 (a INT) ENGINE=InnoDB AUTO_INCREMENT=100 AVG_ROW_LENGTH=100 CHECKSUM=1 MAX_ROWS=1000 MIN_ROWS=10 PACK_KEYS=DEFAULT DELAY_KEY_WRITE=1

CREATE TABLE t1 (a INT) ENGINE=InnoDB PAGE_COMPRESSED=1 PAGE_COMPRESSION_LEVEL=9

-- mariadb-skip: needs a key management plugin
CREATE TABLE t1 (a INT) ENGINE=InnoDB ENCRYPTED=YES ENCRYPTION_KEY_ID=2

CREATE TABLE t1 (a INT) ENGINE=Aria TRANSACTIONAL=1 PAGE_CHECKSUM=1

-- mariadb-skip: MySQL only: general tablespaces
CREATE TABLE t1 (a INT) ENGINE=InnoDB TABLESPACE=innodb_system

CREATE TABLE t1 (a INT) ENGINE=InnoDB DATA DIRECTORY='/tmp/data'

CREATE TABLE t1 (a INT) ENGINE=MyISAM DATA DIRECTORY='/tmp/data' INDEX DIRECTORY='/tmp/idx'

CREATE TABLE total (a INT NOT NULL AUTO_INCREMENT, message CHAR(20), INDEX(a)) ENGINE=MERGE UNION=(t1,t2) INSERT_METHOD=LAST

-- mariadb-skip: the FEDERATED engine is not installed on a stock server
CREATE TABLE federated_table (id INT(20) NOT NULL AUTO_INCREMENT, name VARCHAR(32) NOT NULL DEFAULT '', PRIMARY KEY (id)) ENGINE=FEDERATED DEFAULT CHARSET=latin1 CONNECTION='mysql://fed_user@remote_host:9306/federated/test_table'

CREATE TABLE t1 (a INT, b INT) ENGINE=InnoDB, DEFAULT CHARSET=utf8mb4, COLLATE=utf8mb4_general_ci

CREATE TABLE t1 (a INT) ENGINE InnoDB CHARACTER SET utf8mb4 COLLATE utf8mb4_bin COMMENT 'no equals'

CREATE TABLE t1 (a INT) CHARSET latin1

CREATE TABLE t1 (a INT) DEFAULT CHARACTER SET = utf8 DEFAULT COLLATE = utf8_general_ci

CREATE TEMPORARY TABLE tmp (id INT)

-- mariadb-skip: selects from a table the entry does not create
CREATE TEMPORARY TABLE IF NOT EXISTS tmp_orders SELECT * FROM orders WHERE 1=0

CREATE OR REPLACE TABLE t1 (a INT)

CREATE OR REPLACE TEMPORARY TABLE t1 (a INT)

CREATE TABLE `weird table` (`col ``x``` INT, `select` INT, `from` VARCHAR(5))

CREATE TABLE `db`.`t` (`id` int(11) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=latin1

CREATE TABLE t (`1col` INT, col2 INT, `123` INT)

CREATE TABLE t (a INT NOT NULL /* inline comment */, b INT -- dash comment
, c INT # hash comment
)

CREATE TABLE t (a BIT(1) DEFAULT b'0', b BIT(8) DEFAULT 0b101, c BINARY(2) DEFAULT X'0A0B', d VARBINARY(4) DEFAULT 0x0a)

CREATE TABLE t (a VARCHAR(10) DEFAULT _utf8mb4'abc', b VARCHAR(10) DEFAULT N'national', c CHAR(3) DEFAULT 'a' 'b')

CREATE TABLE t (d DATE DEFAULT '2000-01-01', t TIME(3) DEFAULT '12:00:00.000', dt DATETIME(6) DEFAULT '2000-01-01 00:00:00.000000', y YEAR DEFAULT 2000)

CREATE TABLE t (d DATE DEFAULT DATE '2020-01-01', ts TIMESTAMP DEFAULT TIMESTAMP '2020-01-01 10:00:00')

CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) AUTO_INCREMENT = 1000

CREATE TABLE t (a INT, b INT, PRIMARY KEY USING BTREE (a, b))

CREATE TABLE t (a INT, b INT, UNIQUE INDEX uk_ab USING HASH (a, b))

CREATE TABLE t (a INT, CONSTRAINT pk PRIMARY KEY (a), CONSTRAINT uk UNIQUE (a))

CREATE TABLE t (a INT, CONSTRAINT UNIQUE KEY uk (a))

CREATE TABLE t (a INT, CONSTRAINT CHECK (a > 0))

-- mariadb-skip: MySQL 8 only: [NOT] ENFORCED
CREATE TABLE t (a INT CHECK (a > 0) NOT ENFORCED, b INT, CONSTRAINT b_chk CHECK (b < 10) ENFORCED)

CREATE TABLE t (a INT, b INT, CONSTRAINT `a_b` CHECK (a IN (1, 2, 3) AND b BETWEEN 1 AND 10))

CREATE TABLE t (email VARCHAR(255) CHECK (email LIKE '%@%'))

CREATE TABLE t (j JSON CHECK (JSON_VALID(j)))

CREATE TABLE t (j LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)))

CREATE TABLE t (a INET6, b INET4, c UUID DEFAULT UUID())

CREATE TABLE t (b BLOB COMPRESSED, c VARCHAR(1000) COMPRESSED=zlib, d TEXT COMPRESSED NOT NULL)

CREATE TABLE tbl (a INT, b CHAR(3)) ENGINE=MyISAM

CREATE TABLE t1 (a INT NOT NULL, b INT, PRIMARY KEY (a)) PARTITION BY KEY () PARTITIONS 2

CREATE TABLE t1 (id INT) /*!50100 PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10) ENGINE = InnoDB, PARTITION p1 VALUES LESS THAN MAXVALUE ENGINE = InnoDB) */

CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(100) COLLATE utf8mb4_unicode_ci DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `t_name_unique` (`name`)
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci

CREATE TABLE `users` (
  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `email` varchar(191) NOT NULL,
  `password` varchar(255) NOT NULL,
  `remember_token` varchar(100) DEFAULT NULL,
  `is_admin` tinyint(1) NOT NULL DEFAULT '0',
  `balance` decimal(15,4) NOT NULL DEFAULT '0.0000',
  `settings` json DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `users_email_unique` (`email`),
  KEY `users_is_admin_index` (`is_admin`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4

-- mariadb-skip: MySQL 8 only: the utf8mb4_0900_ai_ci collation
CREATE TABLE `orders` (
  `order_id` int NOT NULL AUTO_INCREMENT,
  `customer_id` int NOT NULL,
  `status` enum('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  `total` decimal(10,2) unsigned NOT NULL,
  `note` text,
  `created` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`order_id`),
  KEY `idx_customer` (`customer_id`),
  CONSTRAINT `orders_ibfk_1` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci

CREATE TABLE `employees` (
  `emp_no` int(11) NOT NULL,
  `birth_date` date NOT NULL,
  `first_name` varchar(14) NOT NULL,
  `last_name` varchar(16) NOT NULL,
  `gender` enum('M','F') NOT NULL,
  `hire_date` date NOT NULL,
  PRIMARY KEY (`emp_no`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8

CREATE TABLE `salaries` (
  `emp_no` int(11) NOT NULL,
  `salary` int(11) NOT NULL,
  `from_date` date NOT NULL,
  `to_date` date NOT NULL,
  PRIMARY KEY (`emp_no`,`from_date`),
  CONSTRAINT `salaries_ibfk_1` FOREIGN KEY (`emp_no`) REFERENCES `employees` (`emp_no`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8

CREATE TABLE `film` (
  `film_id` smallint(5) unsigned NOT NULL AUTO_INCREMENT,
  `title` varchar(128) NOT NULL,
  `description` text DEFAULT NULL,
  `release_year` year(4) DEFAULT NULL,
  `language_id` tinyint(3) unsigned NOT NULL,
  `rental_duration` tinyint(3) unsigned NOT NULL DEFAULT 3,
  `rental_rate` decimal(4,2) NOT NULL DEFAULT 4.99,
  `length` smallint(5) unsigned DEFAULT NULL,
  `rating` enum('G','PG','PG-13','R','NC-17') DEFAULT 'G',
  `special_features` set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes') DEFAULT NULL,
  `last_update` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  PRIMARY KEY (`film_id`),
  KEY `idx_title` (`title`),
  KEY `idx_fk_language_id` (`language_id`)
) ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=utf8mb4

CREATE TABLE `address` (
  `address_id` smallint(5) unsigned NOT NULL AUTO_INCREMENT,
  `address` varchar(50) NOT NULL,
  `location` geometry NOT NULL,
  PRIMARY KEY (`address_id`),
  SPATIAL KEY `idx_location` (`location`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4

CREATE TABLE `t_mariadb` (
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x' COMMENT 'b col',
  `c` int(11) GENERATED ALWAYS AS (`a` + 1) VIRTUAL,
  `d` int(11) GENERATED ALWAYS AS (`a` * 2) STORED
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci

CREATE TABLE t (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, price DECIMAL(65,30), tiny TINYINT(4) SIGNED, f DOUBLE UNSIGNED ZEROFILL)

CREATE TABLE t (a TINYTEXT, b TEXT(1000), c MEDIUMTEXT, d LONGTEXT, e TINYBLOB, f BLOB(2000), g MEDIUMBLOB, h LONGBLOB)

CREATE TABLE t (a TIME, b TIME(6), c DATETIME(3), d TIMESTAMP(0), e DATE)

CREATE TABLE t (a VARBINARY(255), b BINARY, c BINARY(32), d CHAR, e CHAR(0))

CREATE TABLE IF NOT EXISTS `dm_meta`.`task_syncer_checkpoint` (
  id VARCHAR(32) NOT NULL,
  cp_schema VARCHAR(128) NOT NULL,
  cp_table VARCHAR(128) NOT NULL,
  binlog_name VARCHAR(128),
  binlog_pos INT UNSIGNED,
  binlog_gtid TEXT,
  exit_safe_binlog_name VARCHAR(128) DEFAULT '',
  exit_safe_binlog_pos INT UNSIGNED DEFAULT 0,
  exit_safe_binlog_gtid TEXT,
  table_info JSON NOT NULL,
  is_global BOOLEAN,
  create_time timestamp DEFAULT CURRENT_TIMESTAMP,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uk_id_schema_table (id, cp_schema, cp_table)
)

CREATE TABLE IF NOT EXISTS `dm_meta`.`task_loader_checkpoint` (
  task_name varchar(255) NOT NULL,
  source_name varchar(255) NOT NULL,
  status varchar(10) NOT NULL DEFAULT 'init' COMMENT 'init,running,finished',
  PRIMARY KEY (task_name, source_name)
)

CREATE TABLE IF NOT EXISTS `dm_meta`.`task_onlineddl` (
  id VARCHAR(32) NOT NULL,
  ghost_schema VARCHAR(128) NOT NULL,
  ghost_table VARCHAR(128) NOT NULL,
  ddls text,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uk_id_schema_table (id, ghost_schema, ghost_table)
)

CREATE TABLE t1 (s1 INT, s2 INT AS (s1) INVISIBLE)

CREATE TABLE t (x INT) ENGINE=InnoDB STATS_PERSISTENT=DEFAULT

CREATE TABLE tt (a INT, PERIODIC INT, `KEY` INT, `INDEX` INT, `PRIMARY` INT)

CREATE TABLE t (a INT NULL DEFAULT NULL, b INT NOT NULL DEFAULT '1', c FLOAT DEFAULT '1.5e3', d DOUBLE DEFAULT 1.5E-3, e INT DEFAULT +5)

CREATE TABLE t (a VARCHAR(10) NOT NULL DEFAULT '' COLLATE utf8mb4_general_ci)

CREATE TABLE t (a TEXT CHARSET utf8mb4 COLLATE utf8mb4_unicode_520_ci NOT NULL)

CREATE TABLE t (`a` varchar(20) CHARACTER SET 'utf8' COLLATE 'utf8_bin')

CREATE TABLE t (id int) ENGINE='InnoDB' DEFAULT CHARSET='utf8'

CREATE TABLE t (id INT REFERENCES parent (id))

CREATE TABLE t (id INT, pid INT REFERENCES parent (id) ON DELETE CASCADE ON UPDATE SET NULL)

CREATE TABLE `test`.`t` (`a` int) ENGINE=InnoDB

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE test.t2 (a INT PRIMARY KEY) SELECT * FROM test.t1 WHERE a > 10

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE t2 IGNORE SELECT * FROM t1

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE t2 REPLACE SELECT * FROM t1

-- mariadb-skip: selects from a table the entry does not create
CREATE TABLE t2 (PRIMARY KEY (id)) AS SELECT id, name FROM t1

CREATE TABLE t (a INT) SELECT 1 AS a UNION SELECT 2

CREATE TABLE t1 (c1 INT) ENGINE=InnoDB COMMENT='NDB_TABLE=READ_BACKUP=0'

CREATE TABLE t1 (a INT, b INT, KEY (a), KEY (b), KEY ab (a, b))
