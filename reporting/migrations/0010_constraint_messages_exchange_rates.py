# Constraints say what is wrong in words (issue 11 item 5); exchange rates to band foreign clients (item 7)

from decimal import Decimal
from django.conf import settings
from django.db import migrations, models
import django.core.validators
import django.db.models.deletion
import simple_history.models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0011_constraint_messages'),
        ('reporting', '0009_meeting_packs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='commsplan',
            name='commsplan_budget_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('entertainment_budget__gte', 0)), name='commsplan_budget_not_negative', violation_error_message='The entertainment budget cannot be negative.'),
        ),
        migrations.AlterConstraint(
            model_name='meeting',
            name='meeting_one_per_kind_per_day',
            constraint=models.UniqueConstraint(fields=('kind', 'held_on'), name='meeting_one_per_kind_per_day', violation_error_message='There is already a meeting of this kind on that day: open that one.'),
        ),
        migrations.AlterConstraint(
            model_name='npscheckin',
            name='nps_one_per_client_quarter',
            constraint=models.UniqueConstraint(fields=('client', 'quarter'), name='nps_one_per_client_quarter', violation_error_message='This client already has a check-in for that quarter: edit that one.'),
        ),
        migrations.AlterConstraint(
            model_name='npscheckin',
            name='nps_score_0_to_10',
            constraint=models.CheckConstraint(condition=models.Q(('score__isnull', True), ('score__lte', 10), _connector='OR'), name='nps_score_0_to_10', violation_error_message='A score runs from 0 to 10.'),
        ),
        migrations.AlterConstraint(
            model_name='npscheckin',
            name='nps_done_has_score',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'due'), ('score__isnull', False), _connector='OR'), name='nps_done_has_score', violation_error_message='A check-in that is done needs the score the client gave.'),
        ),
        migrations.AlterConstraint(
            model_name='occurrence',
            name='occurrence_once_per_day',
            constraint=models.UniqueConstraint(fields=('client', 'kind', 'due_date'), name='occurrence_once_per_day', violation_error_message='This client already has one of these due that day.'),
        ),
        migrations.AlterConstraint(
            model_name='reportingband',
            name='band_unique_start',
            constraint=models.UniqueConstraint(fields=('engagement_type', 'min_amount'), name='band_unique_start', violation_error_code='duplicate', violation_error_message='Two bands of this engagement start at the same amount: remove one.'),
        ),
        migrations.AlterConstraint(
            model_name='reportingband',
            name='band_max_not_below_min',
            constraint=models.CheckConstraint(condition=models.Q(('max_amount__isnull', True), ('max_amount__gte', models.F('min_amount')), _connector='OR'), name='band_max_not_below_min', violation_error_message='A band cannot end before it starts (its “to” is below its “from”).'),
        ),
        migrations.AlterConstraint(
            model_name='surveyresponse',
            name='survey_score_0_to_10',
            constraint=models.CheckConstraint(condition=models.Q(('score__lte', 10)), name='survey_score_0_to_10', violation_error_message='Choose a score from 0 to 10.'),
        ),
        migrations.CreateModel(
            name='ExchangeRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(choices=[('EUR', 'EUR (€)'), ('USD', 'USD ($)')], error_messages={'unique': 'This currency already has a rate: change that one.'}, max_length=3, unique=True)),
                ('rate', models.DecimalField(decimal_places=6, help_text='e.g. 0.86: one euro is worth £0.86.', max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0.000001'), 'A rate is more than 0.')], verbose_name='£ per unit')),
                ('set_at', models.DateTimeField(auto_now=True, verbose_name='set')),
            ],
            options={
                'ordering': ['currency'],
                'constraints': [models.CheckConstraint(condition=models.Q(('rate__gt', 0)), name='exchangerate_positive', violation_error_message='A rate is more than 0.')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalExchangeRate',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('currency', models.CharField(choices=[('EUR', 'EUR (€)'), ('USD', 'USD ($)')], db_index=True, error_messages={'unique': 'This currency already has a rate: change that one.'}, max_length=3)),
                ('rate', models.DecimalField(decimal_places=6, help_text='e.g. 0.86: one euro is worth £0.86.', max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0.000001'), 'A rate is more than 0.')], verbose_name='£ per unit')),
                ('set_at', models.DateTimeField(blank=True, editable=False, verbose_name='set')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical exchange rate',
                'verbose_name_plural': 'historical exchange rates',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
