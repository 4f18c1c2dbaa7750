-- Every MariaDB column type with edge values, for the full-migration tests. Loaded into the
-- upstream with the client's default sql_mode relaxed (zero dates) and time_zone '+00:00'.
SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';
SET SESSION time_zone = '+00:00';
CREATE DATABASE IF NOT EXISTS typesdb DEFAULT CHARACTER SET utf8mb4;
USE typesdb;

CREATE TABLE alltypes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  d1 DECIMAL(65,30), d2 DECIMAL(10,0) UNSIGNED, d3 DECIMAL(5,5),
  f FLOAT, f2 FLOAT(7,3), db DOUBLE,
  b1 BIT(1), b7 BIT(7), b64 BIT(64),
  dt DATE, dtm0 DATETIME, dtm3 DATETIME(3), dtm6 DATETIME(6),
  ts0 TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL,
  tm0 TIME, tm6 TIME(6), y YEAR,
  c CHAR(10), vc VARCHAR(200), tx TEXT, mtx MEDIUMTEXT,
  l1 VARCHAR(50) CHARACTER SET latin1, l2 TEXT CHARACTER SET latin1,
  bn BINARY(8), vb VARBINARY(300), bl BLOB, lbl LONGBLOB,
  e ENUM('a','b','c d','é'), st SET('x','y','z'),
  j JSON, g GEOMETRY, pt POINT,
  gen INT AS (i + 1) VIRTUAL, gens VARCHAR(220) AS (CONCAT(vc, 'x')) PERSISTENT
) ENGINE=InnoDB;

-- Row 0 in the AUTO_INCREMENT column must stay 0.
INSERT INTO alltypes (id, ti) VALUES (0, 0);

-- All NULL.
INSERT INTO alltypes (id) VALUES (1);

-- Minimums.
INSERT INTO alltypes (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, d1, d2, d3, f, f2, db, b1, b7, b64,
  dt, dtm0, dtm3, dtm6, ts0, ts6, tm0, tm6, y, c, vc, tx, mtx, l1, l2, bn, vb, bl, lbl, e, st, j, g, pt)
VALUES (2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  '-99999999999999999999999999999999999.999999999999999999999999999999', 0, -0.99999,
  -3.40282e38, -9999.999, -1.7976931348623157e308, b'0', b'0', b'0',
  '0000-00-00', '0000-00-00 00:00:00', '1000-01-01 00:00:00.000', '1000-01-01 00:00:00.000000',
  '1970-01-01 00:00:01', '1970-01-01 00:00:01.000000', '-838:59:59', '-838:59:59.000000', 1901,
  '', '', '', '', '', '', X'0000000000000000', X'', X'', X'', '', '', '{}',
  ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(-180 -90)'));

-- Maximums.
INSERT INTO alltypes (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, d1, d2, d3, f, f2, db, b1, b7, b64,
  dt, dtm0, dtm3, dtm6, ts0, ts6, tm0, tm6, y, c, vc, tx, mtx, l1, l2, bn, vb, bl, lbl, e, st, j, g, pt)
VALUES (3, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
  9223372036854775807, 18446744073709551615,
  '99999999999999999999999999999999999.999999999999999999999999999999', 9999999999, 0.99999,
  3.40282e38, 9999.999, 1.7976931348623157e308, b'1', b'1111111', b'1111111111111111111111111111111111111111111111111111111111111111',
  '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999',
  '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999', '838:59:59', '838:59:59.000000', 2155,
  'abcdefghij', REPEAT('z', 200), REPEAT('long text ', 1000), REPEAT('m', 70000),
  X'636166E9', X'6C6174696E3120E9E8FF',
  X'FFFFFFFFFFFFFFFF', X'FF00FF', X'00', REPEAT(X'AB', 100000), 'é', 'x,y,z',
  '{"a": [1, 2.5, "x"], "b": {"c": null, "d": true}, "emoji": "😀"}',
  ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))'), ST_GeomFromText('POINT(180 90)'));

-- Edge values: negative zero, tiny floats, fractional times, quotes, backslashes, emoji,
-- control characters, zero dates inside, every byte value.
INSERT INTO alltypes (id, ti, i, d1, d3, f, f2, db, b7, b64, dt, dtm0, dtm3, dtm6, ts0, ts6, tm0, tm6, y,
  c, vc, tx, l1, bn, vb, bl, e, st, j, g)
VALUES (4, -1, -1, '0.000000000000000000000000000001', -0.00001, 1.17549435e-38, 0.001, 4.9e-324,
  b'1010101', b'1000000000000000000000000000000000000000000000000000000000000001',
  '2000-02-29', '2020-00-00 00:00:00', '1999-12-31 23:59:59.5', '2021-06-01 12:34:56.000001',
  '2000-01-01 00:00:00', '2024-02-29 23:59:59.123456', '-00:00:01', '-12:34:56.789012', 0,
  'it''s', 'back\\slash "dq" \'sq\'', CONCAT('nul', CHAR(0), 'ctl', CHAR(10), CHAR(13), CHAR(26), CHAR(9)),
  'Zürich', X'00010203', X'FEFF', X'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF',
  'c d', '', '[1, "two", 3.0e10, null]',
  ST_GeomFromText('LINESTRING(0.1 0.2, 1e10 -1e-10, 3 4)'));

INSERT INTO alltypes (id, f, db, vc, tx, j, g) VALUES
  (5, 0.1, 0.1, '😀🎉 emoji 𝄞', 'mixed ünïcödé — 中文 — עברית', '"just a string"',
   ST_GeomFromText('MULTIPOINT(1 1, 2 2)')),
  (6, 1.2345678, 3.141592653589793, 'a', 'b', '12345678901234567890', NULL),
  (7, -0.0, -0.0, ' trailing  ', '  ', 'null', ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))'));

-- Many generated rows so the table is cut into several chunks.
INSERT INTO alltypes (id, ti, i, bi, d1, f, db, b7, dtm6, ts6, tm6, vc, bl, e, st, j)
SELECT 100 + seq, seq % 128, CAST(seq AS SIGNED) * 7919 - 400000, seq * 1000003, seq / 7, seq / 3, seq / 7,
  seq % 128, '2020-01-01' + INTERVAL seq SECOND + INTERVAL seq MICROSECOND,
  '2001-01-01' + INTERVAL seq MINUTE, SEC_TO_TIME(CAST(seq AS SIGNED) - 5000),
  CONCAT('row ', seq, ' 😀'), UNHEX(SHA2(seq, 256)), ELT(1 + seq % 4, 'a', 'b', 'c d', 'é'),
  ELT(1 + seq % 3, 'x', 'x,y', 'y,z'), JSON_OBJECT('n', seq)
FROM seq_1_to_3000;

-- A table without any key (dumped whole) and one with a composite non-integer key.
CREATE TABLE nokey (a INT, b VARCHAR(20)) ENGINE=InnoDB;
INSERT INTO nokey SELECT seq % 10, CONCAT('dup', seq % 10) FROM seq_1_to_500;
CREATE TABLE strkey (k1 VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
  k2 DATETIME(3) NOT NULL, v INT, PRIMARY KEY (k1, k2)) ENGINE=InnoDB;
INSERT INTO strkey SELECT CONCAT(CHAR(65 + seq % 26), LPAD(seq, 6, '0')), '2022-01-01' + INTERVAL seq SECOND, seq
FROM seq_1_to_2500;
INSERT INTO strkey VALUES ('a000001', '2022-01-01', -1), ('ä000001', '2022-01-01 00:00:00.001', -2);
