import React from 'react';
import { Column, InteractiveTable } from '@grafana/ui';

export interface Col<T> {
  id: string;
  header: string;
  cell?: (row: T) => React.ReactNode;
  sortable?: boolean;
}

/** @grafana/ui's InteractiveTable with row-based cell renderers and paging. */
export function Table<T extends { id?: string | null }>({
  rows,
  cols,
  pageSize = 25,
  rowId,
  testId,
}: {
  rows: T[];
  cols: Array<Col<T>>;
  pageSize?: number;
  rowId?: (row: T) => string;
  testId?: string;
}) {
  const columns: Array<Column<T>> = cols.map((c) => ({
    id: c.id,
    header: c.header,
    sortType: c.sortable ? 'alphanumeric' : undefined,
    cell: c.cell ? ({ row }: { row: { original: T } }) => c.cell!(row.original) : undefined,
  }));
  return (
    <div data-testid={testId}>
      <InteractiveTable<T>
        columns={columns}
        data={rows}
        pageSize={rows.length > pageSize ? pageSize : 0}
        getRowId={(row: T, index: number) => (rowId ? rowId(row) : String(row.id ?? index))}
      />
    </div>
  );
}
