SELECT _k2_0 AS `DeviceName`, _k2_1 AS `n`
FROM (
  SELECT *
  FROM (
    SELECT _k1_1 AS _k2_0, toInt64(count()) AS _k2_1, min(_k1_ord) AS _k2_ord
    FROM (
      SELECT *
      FROM (
        SELECT *
        FROM (
          SELECT `Timestamp` AS _k1_0, `DeviceName` AS _k1_1, `FileName` AS _k1_2, `ProcessCommandLine` AS _k1_3, _kqlhunt_row AS _k1_ord
          FROM `DeviceProcessEvents`
        )
        WHERE (_k1_0 > (toInt64(17951760000000000) - toInt64(864000000000)))
      )
      WHERE (ifNull(toUInt8((lower(replaceAll(replaceAll(_k1_2, 'K', 'k'), 'ſ', 's')) = 'powershell.exe')), 0) AND ifNull(toUInt8(match(lower(_k1_3), '-enc($|[^\\p{L}\\p{Nd}])') OR match(lower(_k1_3), '-encodedcommand($|[^\\p{L}\\p{Nd}])')), 0))
    )
    GROUP BY _k2_0
  )
  ORDER BY _k2_1 DESC NULLS LAST, _k2_ord
  LIMIT 10
)
ORDER BY _k2_1 DESC NULLS LAST, _k2_ord
