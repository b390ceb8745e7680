SELECT _k2_0 AS `DeviceId`, _k2_1 AS `DeviceName`, _k2_2 AS `RemoteUrl`, _k2_3 AS `FirstSeen`, _k2_4 AS `LastSeen`, _k2_5 AS `Report`, _k2_6 AS `Count`
FROM (
  SELECT _k1_1 AS _k2_0, _k1_2 AS _k2_1, _k1_3 AS _k2_2, min(_k1_0) AS _k2_3, max(_k1_0) AS _k2_4, concat('[', arrayStringConcat(arrayMap(v -> toString(v), arraySlice(arrayDistinct(arrayMap(p -> assumeNotNull(p.2), arraySort(arrayFilter(p -> isNotNull(p.2), groupArray(tuple(_k1_ord, _k1_6)))))), 1, 1048576)), ','), ']') AS _k2_5, toInt64(count()) AS _k2_6, min(_k1_ord) AS _k2_ord
  FROM (
    SELECT *
    FROM (
      SELECT *
      FROM (
        SELECT `Timestamp` AS _k1_0, `DeviceId` AS _k1_1, `DeviceName` AS _k1_2, `RemoteUrl` AS _k1_3, `InitiatingProcessVersionInfoCompanyName` AS _k1_4, `InitiatingProcessVersionInfoProductName` AS _k1_5, `ReportId` AS _k1_6, _kqlhunt_row AS _k1_ord
        FROM `DeviceNetworkEvents`
      )
      WHERE (ifNull((_k1_0 >= (toInt64(17951760000000000) + toInt64(-4320000000000))), 0) AND ifNull((_k1_0 <= toInt64(17951760000000000)), 0))
    )
    WHERE (ifNull((ifNull(toUInt8(match(lower(_k1_3), '(^|[^\\p{L}\\p{Nd}])screenmeet\\.com($|[^\\p{L}\\p{Nd}])')), 0) AND ifNull(toUInt8(match(lower(_k1_4), '(^|[^\\p{L}\\p{Nd}])projector inc($|[^\\p{L}\\p{Nd}])')), 0)), 0) AND ifNull(toUInt8(match(lower(_k1_5), '(^|[^\\p{L}\\p{Nd}])screenmeet($|[^\\p{L}\\p{Nd}])')), 0))
  )
  GROUP BY _k2_0, _k2_1, _k2_2
)
ORDER BY _k2_ord
