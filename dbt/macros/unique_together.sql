{# Generic test: no two rows share the same values in `columns` (a composite key). #}
{% test unique_together(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
